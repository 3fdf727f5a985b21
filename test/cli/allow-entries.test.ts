// What `--allow` entries serve, over the wire against the spawned CLI: dotfiles listed by their exact
// name, folder entries, brace alternatives; and what they never serve.
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest, type RawResponse } from '../helpers/raw-client.js'
import { BIN, cleanupTemp, ensureBuilt, killAll, request, startCli, tempDir } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

const SECURITY_TXT = 'Contact: mailto:security@example.test\nExpires: 2030-01-01T00:00:00.000Z\n'
const ENV = 'SECRET-ENV=1\n'

/** A site with dotfiles, a dot folder, a plain folder and assets of several types. */
function site(): { cwd: string; root: string } {
  const cwd = tempDir()
  const root = join(cwd, 'site')
  for (const dir of ['.well-known', '.git', 'docs/sub', 'docs/.private', 'assets']) mkdirSync(join(root, dir), { recursive: true })
  const files: Record<string, string> = {
    'index.html': '<!doctype html><title>home</title>',
    '.env': ENV,
    '.well-known/security.txt': SECURITY_TXT,
    '.well-known/x': 'SECRET-WELL-KNOWN',
    '.git/config': 'SECRET-GIT',
    'secret.txt': 'SECRET-ROOT',
    'docs/a.txt': 'docs a',
    'docs/sub/b.txt': 'docs b',
    'docs/.hidden': 'SECRET-DOCS-HIDDEN',
    'docs/.private/p.txt': 'SECRET-DOCS-PRIVATE',
    'assets/app.js': 'void 0',
    'assets/site.css': 'body{}',
    'assets/logo.png': 'PNG',
  }
  for (const [rel, text] of Object.entries(files)) writeFileSync(join(root, rel), text)
  return { cwd, root }
}

const header = (res: RawResponse, name: string): string | undefined => res.headers.get(name)?.[0]
/** The response as bytes with the Date field taken out (the only field that may differ). */
const withoutDate = (res: RawResponse): string => res.rawHead.replace(/\r\nDate: [^\r]*/i, '') + '\r\n\r\n' + res.body.toString('latin1')

async function get(port: number, path: string): Promise<RawResponse> {
  return rawRequest(port, request('GET', path))
}

describe('dotfiles listed by their exact name are served', () => {
  it('-a .well-known/security.txt → 200 with its bytes and text/plain; its siblings stay 403', async () => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '-a', '.well-known/security.txt'], { cwd })
    const res = await get(cli.port, '/.well-known/security.txt')
    expect(res.status).toBe(200)
    expect(header(res, 'content-type')).toBe('text/plain; charset=utf-8')
    expect(res.body.toString()).toBe(SECURITY_TXT)
    const head = await rawRequest(cli.port, request('HEAD', '/.well-known/security.txt'), { head: true })
    expect(head.status).toBe(200)
    expect(header(head, 'content-length')).toBe(String(Buffer.byteLength(SECURITY_TXT)))
    for (const path of ['/.well-known/x', '/.well-known/', '/.well-known', '/.env']) expect((await get(cli.port, path)).status, path).toBe(403)
  })

  it('-a .env → 200 with its bytes', async () => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '-a', '.env', '-a', 'index.html'], { cwd })
    const res = await get(cli.port, '/.env')
    expect(res.status).toBe(200)
    expect(res.body.toString()).toBe(ENV)
    // A second request is answered from the memory cache: still served, still the same bytes.
    expect((await get(cli.port, '/.env')).body.toString()).toBe(ENV)
  })

  it("-a '**/*' never serves .env, .git/config or .well-known/x: a 403 byte-identical to a missing file's", async () => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '-a', '**/*'], { cwd })
    expect((await get(cli.port, '/docs/a.txt')).status).toBe(200)
    const missing = await get(cli.port, '/missing.txt')
    expect(missing.status).toBe(403)
    for (const path of ['/.env', '/.git/config', '/.well-known/x', '/.well-known/security.txt', '/docs/.hidden', '/docs/.private/p.txt']) {
      const res = await get(cli.port, path)
      expect(res.status, path).toBe(403)
      expect(withoutDate(res), path).toBe(withoutDate(missing))
    }
  })

  it("-a '.well-known/*' (a glob through a dot folder) serves nothing there and says why", async () => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '-a', '.well-known/*', '-a', 'index.html'], { cwd })
    await cli.waitForStderr(/\.well-known\/\*" rejected: dotfile-via-glob/)
    for (const path of ['/.well-known/security.txt', '/.well-known/x']) expect((await get(cli.port, path)).status, path).toBe(403)
  })

  it('--check lists an exactly listed dotfile as served', () => {
    const { cwd } = site()
    const out = execFileSync(process.execPath, [BIN, 'site', '--check', '-a', '.well-known/security.txt', '-a', '.env'], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
    expect(out).toMatch(/Served \(2 URLs\):/)
    expect(out).toMatch(/^ {2}\/\.env +application\/octet-stream +13 /m)
    expect(out).toMatch(/^ {2}\/\.well-known\/security\.txt +text\/plain; charset=utf-8 +\d+ /m)
  })
})

describe('folder entries: everything under the folder, no dotfiles', () => {
  it.each([['docs'], ['/docs/'], ['./docs']])('-a %s serves docs/a.txt and docs/sub/b.txt, never docs/.hidden', async entry => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '-a', entry], { cwd })
    expect((await get(cli.port, '/docs/a.txt')).body.toString()).toBe('docs a')
    expect((await get(cli.port, '/docs/sub/b.txt')).body.toString()).toBe('docs b')
    const missing = await get(cli.port, '/docs/missing.txt')
    expect(missing.status).toBe(403)
    for (const path of ['/docs/.hidden', '/docs/.private/p.txt', '/secret.txt', '/index.html', '/docs/']) {
      expect(withoutDate(await get(cli.port, path)), path).toBe(withoutDate(missing))
    }
    expect(cli.stderr()).not.toMatch(/rejected|matches no file/)
  })

  it('-a .well-known/ (a dot folder named exactly) serves the non-dotfiles inside it', async () => {
    const { cwd, root } = site()
    writeFileSync(join(root, '.well-known', '.tmp'), 'SECRET-TMP')
    const cli = await startCli(['site', '--port', '0', '-a', '.well-known/'], { cwd })
    expect((await get(cli.port, '/.well-known/security.txt')).body.toString()).toBe(SECURITY_TXT)
    expect((await get(cli.port, '/.well-known/x')).body.toString()).toBe('SECRET-WELL-KNOWN')
    expect((await get(cli.port, '/.well-known/.tmp')).status).toBe(403)
    expect((await get(cli.port, '/.env')).status).toBe(403)
  })

  it('--watch with -a .well-known/acme-challenge/: a token written after start-up is served (the ACME webroot)', async () => {
    const { cwd, root } = site()
    mkdirSync(join(root, '.well-known', 'acme-challenge'))
    const cli = await startCli(['site', '--port', '0', '--watch', '-a', '.well-known/acme-challenge/'], { cwd })
    expect((await get(cli.port, '/.well-known/acme-challenge/tok-1')).status).toBe(403)
    writeFileSync(join(root, '.well-known', 'acme-challenge', 'tok-1'), 'tok-1.thumbprint')
    let res = await get(cli.port, '/.well-known/acme-challenge/tok-1')
    for (let i = 0; i < 50 && res.status !== 200; i++) {
      await new Promise(resolve => setTimeout(resolve, 100))
      res = await get(cli.port, '/.well-known/acme-challenge/tok-1')
    }
    expect(res.status).toBe(200)
    expect(res.body.toString()).toBe('tok-1.thumbprint')
    expect((await get(cli.port, '/.well-known/security.txt')).status).toBe(403)
  })

  it('--check says what a folder entry serves', () => {
    const { cwd } = site()
    const out = execFileSync(process.execPath, [BIN, 'site', '--check', '-a', 'docs', '-a', 'index.html'], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
    expect(out).toContain('Folders (1):\n  docs/ (folder: every non-dotfile under it)\n')
    expect(out).toMatch(/Served \(4 URLs\):/)
    expect(out).toMatch(/^ {2}\/docs\/sub\/b\.txt /m)
    expect(out).not.toMatch(/\.hidden|\.private/)
  })

  it('-a index.html/ (a file spelled as a folder) is refused with a reason', async () => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '-a', 'index.html/', '-a', 'docs/a.txt'], { cwd })
    await cli.waitForStderr(/allow entry "index\.html\/" rejected: not-a-directory/)
    expect((await get(cli.port, '/index.html')).status).toBe(403)
  })
})

describe('brace alternatives in --allow', () => {
  it("-a '**/*.{js,css}' serves the .js and .css files and nothing else", async () => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '-a', '**/*.{js,css}', '-a', '{index,about}.html'], { cwd })
    expect((await get(cli.port, '/assets/app.js')).body.toString()).toBe('void 0')
    const css = await get(cli.port, '/assets/site.css')
    expect(css.status).toBe(200)
    expect(header(css, 'content-type')).toBe('text/css; charset=utf-8')
    expect((await get(cli.port, '/index.html')).status).toBe(200)
    for (const path of ['/assets/logo.png', '/secret.txt', '/docs/a.txt', '/about.html']) expect((await get(cli.port, path)).status, path).toBe(403)
  })

  it('an unbalanced brace is refused at start-up with its reason', async () => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '-a', '**/*.{js,css', '-a', 'index.html'], { cwd })
    await cli.waitForStderr(/allow entry "\*\*\/\*\.\{js,css" rejected: unbalanced-brace/)
    expect((await get(cli.port, '/assets/app.js')).status).toBe(403)
  })

  it('--help documents folders and braces', () => {
    const out = execFileSync(process.execPath, [BIN, '--help'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
    expect(out).toMatch(/--allow <path\|glob> +serve this file, folder \(every non-dotfile under it\) or glob \(\*, \?, \*\*, \{a,b\}\)/)
  })
})
