import { readFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RawClient, rawRequest } from '../helpers/raw-client.js'
import { cleanupTemp, demoSite, ensureBuilt, killAll, REPO, request, sleep, spawnCli, startCli, tempDir } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

const header = (res: { headers: Map<string, string[]> }, name: string): string | undefined => res.headers.get(name)?.[0]

/** A root with names that need care: spaces, non-ASCII, nested folders, a dotfile and a secret. */
function fancySite(): { cwd: string; root: string } {
  const cwd = tempDir()
  const root = join(cwd, 'site')
  mkdirSync(join(root, 'assets', 'deep'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>home</title>')
  writeFileSync(join(root, 'a b.txt'), 'spaces')
  writeFileSync(join(root, 'café.txt'), 'non-ascii')
  writeFileSync(join(root, 'assets', 'x.css'), 'body{}')
  writeFileSync(join(root, 'assets', 'deep', 'y.css'), 'p{}')
  writeFileSync(join(root, 'assets', 'z.js'), 'void 0')
  writeFileSync(join(root, 'secret.txt'), 'do not serve')
  writeFileSync(join(root, '.env'), 'TOKEN=1')
  return { cwd, root }
}

describe('default run (the original program)', () => {
  it('no arguments, PORT=0: serves public/index.html and style.css with MIME types and ACAO *, 403 otherwise', async () => {
    const { cwd, root } = demoSite()
    writeFileSync(join(root, '.env'), 'SECRET=1')
    const cli = await startCli([], { cwd, env: { PORT: '0' } })
    expect(cli.url).toBe(`http://127.0.0.1:${cli.port}`)

    const index = await rawRequest(cli.port, request('GET', '/index.html'))
    expect(index.status).toBe(200)
    expect(header(index, 'content-type')).toBe('text/html; charset=utf-8')
    expect(header(index, 'access-control-allow-origin')).toBe('*')
    expect(index.body.equals(readFileSync(join(root, 'index.html')))).toBe(true)

    const css = await rawRequest(cli.port, request('GET', '/style.css'))
    expect(css.status).toBe(200)
    expect(header(css, 'content-type')).toBe('text/css; charset=utf-8')
    expect(header(css, 'access-control-allow-origin')).toBe('*')
    expect(css.body.equals(readFileSync(join(root, 'style.css')))).toBe(true)

    const slash = await rawRequest(cli.port, request('GET', '/'))
    expect(slash.status).toBe(200)
    expect(slash.body.equals(index.body)).toBe(true)

    for (const path of ['/nope.html', '/.env', '/cors.html', '/public/index.html']) {
      const res = await rawRequest(cli.port, request('GET', path))
      expect(res.status, path).toBe(403)
      expect(header(res, 'access-control-allow-origin'), path).toBe('*')
      expect(res.body.length, path).toBe(0)
    }
    const traversal = await rawRequest(cli.port, request('GET', '/../etc/passwd'))
    expect(traversal.status).toBe(400)
  })

  it('prints an access log line per request: client, time, request line, status, bytes, referer, user agent, ms', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['--port', '0'], { cwd })
    const time = String.raw`\[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\]`
    const res = await rawRequest(cli.port, request('GET', '/style.css'))
    const line = await cli.waitForStdout(new RegExp(`^127\\.0\\.0\\.1 - - ${time} "GET /style\\.css HTTP/1\\.1" 200 (\\d+) "-" "-" \\d+\\.\\dms$`, 'm'))
    expect(Number(line[1])).toBe(res.body.length)
    const missing = await rawRequest(cli.port, request('GET', '/missing'))
    await cli.waitForStdout(new RegExp(`^127\\.0\\.0\\.1 - - ${time} "GET /missing HTTP/1\\.1" 403 ${missing.body.length} "-" "-" \\d+\\.\\dms$`, 'm'))
    await rawRequest(cli.port, request('HEAD', '/index.html'), { head: true })
    await cli.waitForStdout(new RegExp(`^127\\.0\\.0\\.1 - - ${time} "HEAD /index\\.html HTTP/1\\.1" 200 0 "-" "-" \\d+\\.\\dms$`, 'm'))
  })
})

describe('options over the wire', () => {
  it('--allow: spaces, non-ASCII, globs; everything else 403', async () => {
    const { cwd } = fancySite()
    const cli = await startCli(['site', '--port', '0', '--host', '127.0.0.1', '--allow', 'a b.txt', '-a', 'café.txt', '--allow=assets/**/*.css'], { cwd })
    const ok: Array<[string, string]> = [
      ['/a%20b.txt', 'spaces'],
      ['/caf%C3%A9.txt', 'non-ascii'],
      ['/assets/x.css', 'body{}'],
      ['/assets/deep/y.css', 'p{}'],
    ]
    for (const [path, body] of ok) {
      const res = await rawRequest(cli.port, request('GET', path))
      expect(res.status, path).toBe(200)
      expect(res.body.toString(), path).toBe(body)
    }
    expect(header(await rawRequest(cli.port, request('GET', '/assets/x.css')), 'content-type')).toBe('text/css; charset=utf-8')
    for (const path of ['/assets/z.js', '/secret.txt', '/index.html', '/', '/.env', '/a b.txt']) {
      const res = await rawRequest(cli.port, request('GET', path))
      expect([400, 403], path).toContain(res.status)
    }
    expect((await rawRequest(cli.port, request('GET', '/secret.txt'))).status).toBe(403)
  })

  it('--allow-file: one entry a line, comments and blank lines ignored', async () => {
    const { cwd } = fancySite()
    writeFileSync(join(cwd, 'allow.txt'), '# public files\n\nindex.html\na b.txt\n  # indented comment\nassets/*.css\n')
    const cli = await startCli(['site', '--port', '0', '--allow-file', 'allow.txt'], { cwd })
    for (const path of ['/', '/index.html', '/a%20b.txt', '/assets/x.css']) {
      expect((await rawRequest(cli.port, request('GET', path))).status, path).toBe(200)
    }
    for (const path of ['/assets/deep/y.css', '/secret.txt', '/caf%C3%A9.txt', '/allow.txt']) {
      expect((await rawRequest(cli.port, request('GET', path))).status, path).toBe(403)
    }
  })

  it('--not-found 404: what is not served answers 404, existing or not', async () => {
    const { cwd } = fancySite()
    const cli = await startCli(['site', '--port', '0', '--allow', 'index.html', '--not-found', '404'], { cwd })
    expect((await rawRequest(cli.port, request('GET', '/index.html'))).status).toBe(200)
    const existing = await rawRequest(cli.port, request('GET', '/secret.txt'))
    const missing = await rawRequest(cli.port, request('GET', '/no-such-file.txt'))
    expect(existing.status).toBe(404)
    expect(missing.status).toBe(404)
    expect(existing.rawHead.replace(/Date: .*\r\n/, '')).toBe(missing.rawHead.replace(/Date: .*\r\n/, ''))
  })

  it('--seed-methods: POST to a served file → 400 (default: 405 + Allow)', async () => {
    const { cwd } = demoSite()
    const seeded = await startCli(['public', '--port', '0', '--seed-methods'], { cwd })
    const res = await rawRequest(seeded.port, request('POST', '/index.html', {}, 'x=1'))
    expect(res.status).toBe(400)
    expect(header(res, 'access-control-allow-origin')).toBe('*')
    expect((await rawRequest(seeded.port, request('GET', '/index.html'))).status).toBe(200)

    const plain = await startCli(['public', '--port', '0'], { cwd })
    const res405 = await rawRequest(plain.port, request('POST', '/index.html', {}, 'x=1'))
    expect(res405.status).toBe(405)
    expect(header(res405, 'allow')).toMatch(/GET, HEAD/)
  })

  it('--no-cors: no CORS headers at all', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['public', '--port', '0', '--no-cors'], { cwd })
    const res = await rawRequest(cli.port, request('GET', '/index.html', { Origin: 'https://a.example' }))
    expect(res.status).toBe(200)
    expect(res.rawHead).not.toMatch(/access-control-/i)
  })

  it('--cors https://a.example: that origin only', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['public', '--port', '0', '--cors', 'https://a.example'], { cwd })
    const allowed = await rawRequest(cli.port, request('GET', '/index.html', { Origin: 'https://a.example' }))
    expect(header(allowed, 'access-control-allow-origin')).toBe('https://a.example')
    // Two Vary lines since --compress (static's `Accept-Encoding`, then cors's `Origin`): look at all of them.
    expect(allowed.headers.get('vary')?.join(', ')).toMatch(/Origin/)
    const other = await rawRequest(cli.port, request('GET', '/index.html', { Origin: 'https://evil.example' }))
    expect(other.status).toBe(200)
    expect(header(other, 'access-control-allow-origin')).toBeUndefined()
  })

  it('--max-age and --immutable set Cache-Control; --no-etag drops ETag', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['public', '--port', '0', '--max-age', '3600', '--immutable', '--no-etag'], { cwd })
    const res = await rawRequest(cli.port, request('GET', '/style.css'))
    expect(header(res, 'cache-control')).toBe('public, max-age=3600, immutable')
    expect(header(res, 'etag')).toBeUndefined()
    const plain = await startCli(['public', '--port', '0'], { cwd })
    const res2 = await rawRequest(plain.port, request('GET', '/style.css'))
    expect(header(res2, 'cache-control')).toBe('no-cache')
    expect(header(res2, 'etag')).toMatch(/^"/)
  })

  it('--spa: extensionless HTML navigations get index.html; assets still 403', async () => {
    const { cwd, root } = demoSite()
    const cli = await startCli(['public', '--port', '0', '--spa'], { cwd })
    const route = await rawRequest(cli.port, request('GET', '/app/settings', { Accept: 'text/html,*/*' }))
    expect(route.status).toBe(200)
    expect(route.body.equals(readFileSync(join(root, 'index.html')))).toBe(true)
    expect((await rawRequest(cli.port, request('GET', '/missing.js', { Accept: '*/*' }))).status).toBe(403)
  })

  it('--spa with a file that is not allowed is a usage error', async () => {
    const { cwd } = fancySite()
    const cli = spawnCli(['site', '--port', '0', '--allow', 'a b.txt', '--spa'], { cwd })
    const { code } = await cli.exited()
    expect(code).toBe(2)
    expect(cli.stderr()).toMatch(/^tinyhttp-cli: --spa file index\.html is not allowed/)
  })

  it('--log-format json: one object per line', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['public', '--port', '0', '--log-format', 'json'], { cwd })
    await rawRequest(cli.port, request('GET', '/index.html'))
    await rawRequest(cli.port, request('GET', '/a%22b'))
    const ok = JSON.parse((await cli.waitForStdout(/^\{.*"path":"\/index\.html".*\}$/m))[0])
    expect(ok).toMatchObject({ method: 'GET', path: '/index.html', status: 200, bytes: readFileSync(join(cwd, 'public/index.html')).length })
    expect(typeof ok.ms).toBe('number')
    expect(new Date(ok.time).toString()).not.toBe('Invalid Date')
    expect(ok).toHaveProperty('reason')
    const rejected = JSON.parse((await cli.waitForStdout(/^\{.*"path":"\/a%22b".*\}$/m))[0])
    expect(rejected).toMatchObject({ status: 400, bytes: 0, reason: 'reject:forbidden-character' })
    await rawRequest(cli.port, request('GET', '/missing.txt'))
    const denied = JSON.parse((await cli.waitForStdout(/^\{.*"path":"\/missing\.txt".*\}$/m))[0])
    expect(denied).toMatchObject({ method: 'GET', status: 403, bytes: 0, reason: 'deny:not-allowlisted' })
  })

  it('-q: no access log, the Local line is still printed', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['public', '--port', '0', '-q'], { cwd })
    await rawRequest(cli.port, request('GET', '/index.html'))
    await rawRequest(cli.port, request('GET', '/nope'))
    await sleep(300)
    expect(cli.stdout()).toBe(`Local: ${cli.url}\n`)
  })

  it('a keep-alive connection serves several requests', async () => {
    const { cwd } = demoSite()
    const cli = await startCli(['public', '--port', '0', '-q'], { cwd })
    const client = await RawClient.connect(cli.port)
    try {
      client.write(request('GET', '/index.html') + request('GET', '/style.css'))
      expect((await client.readResponse()).status).toBe(200)
      expect((await client.readResponse()).status).toBe(200)
    } finally {
      client.close()
    }
  })
})

describe('file-system options', () => {
  it('--watch: a file added after start-up is served (default allow **/*)', async () => {
    const { cwd, root } = demoSite()
    const cli = await startCli(['public', '--port', '0', '-q', '--watch'], { cwd })
    expect((await rawRequest(cli.port, request('GET', '/late.txt'))).status).toBe(403)
    writeFileSync(join(root, 'late.txt'), 'hello')
    let status = 0
    for (let i = 0; i < 100 && status !== 200; i++) {
      await sleep(50)
      status = (await rawRequest(cli.port, request('GET', '/late.txt'))).status
    }
    expect(status).toBe(200)
  })

  it('without --watch the table is fixed at start-up', async () => {
    const { cwd, root } = demoSite()
    const cli = await startCli(['public', '--port', '0', '-q'], { cwd })
    writeFileSync(join(root, 'late.txt'), 'hello')
    await sleep(300)
    expect((await rawRequest(cli.port, request('GET', '/late.txt'))).status).toBe(403)
  })

  it('--precompressed: a .gz sibling is served to clients that accept gzip', async () => {
    const { cwd, root } = demoSite()
    const { gzipSync } = await import('node:zlib')
    const css = readFileSync(join(root, 'style.css'))
    writeFileSync(join(root, 'style.css.gz'), gzipSync(css))
    const cli = await startCli(['public', '--port', '0', '-q', '--precompressed', '-a', 'style.css'], { cwd })
    const gz = await rawRequest(cli.port, request('GET', '/style.css', { 'Accept-Encoding': 'gzip' }))
    expect(gz.status).toBe(200)
    expect(header(gz, 'content-encoding')).toBe('gzip')
    expect(header(gz, 'content-type')).toBe('text/css; charset=utf-8')
    expect(gz.body.equals(gzipSync(css)) || gz.body.length === readFileSync(join(root, 'style.css.gz')).length).toBe(true)
    const plain = await rawRequest(cli.port, request('GET', '/style.css'))
    expect(header(plain, 'content-encoding')).toBeUndefined()
    expect(plain.body.equals(css)).toBe(true)

    const check = spawnCli(['public', '--check', '--precompressed', '-a', 'style.css'], { cwd })
    expect((await check.exited()).code).toBe(0)
    const gzSize = readFileSync(join(root, 'style.css.gz')).length
    // The gzip cell: the sibling on disk; the br cell: made at run time when the file is 1 KiB or more.
    const br = css.length >= 1024 ? '\\d+ runtime' : '-'
    expect(check.stdout()).toMatch(new RegExp(`^ {2}/style\\.css +text/css; charset=utf-8 +${css.length} +"[^"]+" +no-cache +${br} +${gzSize} disk( +-)?$`, 'm'))
  })
})

describe('one-shot commands', () => {
  it('--version prints the package.json version', async () => {
    const cli = spawnCli(['--version'])
    expect(await cli.exited()).toEqual({ code: 0, signal: null })
    const pkg = JSON.parse(readFileSync(join(REPO, 'packages/cli/package.json'), 'utf8')) as { version: string }
    expect(cli.stdout()).toBe(`${pkg.version}\n`)
    const short = spawnCli(['-v'], { cwd: tempDir() })
    await short.exited()
    expect(short.stdout()).toBe(`${pkg.version}\n`)
  })

  it('--help prints usage and every option', async () => {
    const cli = spawnCli(['--help'])
    expect((await cli.exited()).code).toBe(0)
    const out = cli.stdout()
    expect(out).toMatch(/Usage: tinyhttp-cli \[root\] \[options\]/)
    for (const flag of ['--allow', '--allow-file', '--port', '--host', '--allowed-hosts', '--[no-]cors', '--max-age', '--immutable', '--[no-]etag', '--precompressed', '--[no-]compress', '--spa', '--not-found', '--seed-methods', '--tls-cert', '--tls-key', '--workers', '--watch', '--log-format', '--quiet', '--check', '--help', '--version']) {
      expect(out).toContain(flag)
    }
  })

  it('--check lists every URL with type, size and ETag, and the rejected entries; exit 0', async () => {
    const { cwd } = fancySite()
    writeFileSync(join(cwd, 'site', 'bad:name.txt'), 'x')
    const cli = spawnCli(['site', '--check', '-a', 'index.html', '-a', 'a b.txt', '-a', 'assets/*.css', '-a', 'bad:name.txt', '-a', 'nothing/*.md'], { cwd })
    expect((await cli.exited()).code).toBe(0)
    const out = cli.stdout()
    expect(out).toMatch(/^Served \(4 URLs\):$/m)
    // BR and GZIP columns: a 34-byte page is below the 1 KiB compression threshold.
    expect(out).toMatch(/^ {2}URL +TYPE +SIZE +ETAG +CACHE-CONTROL +BR +GZIP$/m)
    expect(out).toMatch(/^ {2}\/ +text\/html; charset=utf-8 +34 +"[^"]+" +no-cache +- +-$/m)
    expect(out).toMatch(/^ {2}\/index\.html +text\/html; charset=utf-8 +34 +"/m)
    expect(out).toMatch(/^ {2}\/a%20b\.txt +text\/plain; charset=utf-8 +6 +"/m)
    expect(out).toMatch(/^ {2}\/assets\/x\.css +text\/css; charset=utf-8 +6 +"/m)
    expect(out).toMatch(/^Rejected \(1\):\n.*\n {2}"bad:name\.txt" +canonical:forbidden-character$/m)
    expect(out).toMatch(/^ {2}"nothing\/\*\.md" +matched no file$/m)
    expect(out).not.toMatch(/secret/)
  })

  it('--check --log-format json prints the report as JSON', async () => {
    const { cwd } = demoSite()
    const cli = spawnCli(['--check', '--log-format=json'], { cwd })
    expect((await cli.exited()).code).toBe(0)
    const report = JSON.parse(cli.stdout()) as { served: Array<{ url: string; type: string; size: number; etag: string }> }
    expect(report.served.map(s => s.url)).toEqual(['/', '/index.html', '/style.css'])
    expect(report.served[2]).toMatchObject({ type: 'text/css; charset=utf-8', size: readFileSync(join(cwd, 'public/style.css')).length })
  })

  it('--check exits 1 when nothing would be served', async () => {
    const { cwd } = demoSite()
    const cli = spawnCli(['public', '--check', '-a', 'nothing.txt'], { cwd })
    expect((await cli.exited()).code).toBe(1)
    expect(cli.stdout()).toMatch(/Served \(0 URLs\):\n {2}\(nothing\)/)
    expect(cli.stderr()).toBe('tinyhttp-cli: nothing would be served from public\n')
  })
})
