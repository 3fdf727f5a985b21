/**
 * Atomic reload of the site rules: `--watch` follows the root's rule files (a good edit applies, a broken
 * one keeps the old rules and says why, naming the line), and `reloadRules(extra)` merges the
 * configuration file's rules after the root's.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseHeaders, parseRedirects } from 'tinyhttp-rules'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parseArgs } from '../../packages/cli/src/args.js'
import { resolveConfig } from '../../packages/cli/src/config.js'
import type { CliIo } from '../../packages/cli/src/output.js'
import { startWith, type StartedServer } from '../../packages/cli/src/start.js'
import { rawRequest, type RawResponse } from '../helpers/raw-client.js'
import { cleanupTemp, ensureBuilt, killAll, request, sleep, startCli, tempDir } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

const header = (res: RawResponse, name: string): string | undefined => res.headers.get(name)?.[0]

/** A working directory with public/index.html and the given rule files. */
function site(files: Record<string, string>): { cwd: string; root: string } {
  const cwd = tempDir('tinyhttp-rules-reload-')
  const root = join(cwd, 'public')
  mkdirSync(root)
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>home</title>\n')
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text)
  return { cwd, root }
}

/** Asks until `ok(answer)` holds (at most ~5 s); returns the last answer. */
async function until(port: number, path: string, ok: (res: RawResponse) => boolean): Promise<RawResponse> {
  let res = await rawRequest(port, request('GET', path))
  for (let i = 0; i < 100 && !ok(res); i++) {
    await sleep(50)
    res = await rawRequest(port, request('GET', path))
  }
  return res
}

describe('--watch follows the root\'s rule files', () => {
  it('a good edit applies, a broken edit keeps the old rules and names the line, a fix applies', async () => {
    const { cwd, root } = site({ _redirects: '/go /one 302\n' })
    const cli = await startCli(['public', '--port', '0', '-q', '--watch'], { cwd })
    expect(header(await rawRequest(cli.port, request('GET', '/go')), 'location')).toBe('/one')

    writeFileSync(join(root, '_redirects'), '/go /two 302\n')
    expect(header(await until(cli.port, '/go', r => header(r, 'location') === '/two'), 'location')).toBe('/two')

    writeFileSync(join(root, '_redirects'), '/go /three 302\n/* /x 299\n')
    await cli.waitForStderr(/rules not reloaded, the previous rules stay in force: public\/_redirects:2: /, 5000)
    const kept = await rawRequest(cli.port, request('GET', '/go'))
    expect(kept.status).toBe(302)
    expect(header(kept, 'location')).toBe('/two')
    expect(cli.stderr().trim().split('\n').at(-1)).toMatch(/^tinyhttp-cli: warning: rules not reloaded, the previous rules stay in force: public\/_redirects:2: status 299 is not one of 200, 301, 302, 303, 307, 308$/)

    writeFileSync(join(root, '_redirects'), '/go /four 307\n')
    const fixed = await until(cli.port, '/go', r => header(r, 'location') === '/four')
    expect(fixed.status).toBe(307)
    expect(fixed.body.toString()).toBe('307 Temporary Redirect\n')
  })

  it('a rule file created after the start applies; deleting it removes its rules', async () => {
    const { cwd, root } = site({})
    const cli = await startCli(['public', '--port', '0', '-q', '--watch'], { cwd })
    expect(header(await rawRequest(cli.port, request('GET', '/index.html')), 'x-new')).toBeUndefined()
    writeFileSync(join(root, '_headers'), '/index.html\n  X-New: yes\n')
    const added = await until(cli.port, '/index.html', r => header(r, 'x-new') === 'yes')
    expect(added.status).toBe(200)
    expect(header(added, 'x-new')).toBe('yes')
    // Still never served, though it appeared under the default **/* allow while the server ran.
    expect((await rawRequest(cli.port, request('GET', '/_headers'))).status).toBe(403)
    rmSync(join(root, '_headers'))
    const removed = await until(cli.port, '/index.html', r => header(r, 'x-new') === undefined)
    expect(header(removed, 'x-new')).toBeUndefined()
  })

  it('a rewrite without "!" sees files added under --watch (exists follows the allowlist table)', async () => {
    const { cwd, root } = site({ _redirects: '/* /index.html 200\n' })
    const cli = await startCli(['public', '--port', '0', '-q', '--watch'], { cwd })
    expect((await rawRequest(cli.port, request('GET', '/later.txt'))).body.toString()).toContain('<title>home</title>')
    writeFileSync(join(root, 'later.txt'), 'a file of its own\n')
    const own = await until(cli.port, '/later.txt', r => r.body.toString() === 'a file of its own\n')
    expect(own.body.toString()).toBe('a file of its own\n')
  })
})

/** Streams that discard what the CLI writes. */
function quietIo(cwd: string): CliIo {
  const sink = { write: () => true, isTTY: false }
  return { stdout: sink, stderr: sink, env: {}, cwd }
}

describe('config.siteRules and reloadRules(extra)', () => {
  const servers: StartedServer[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(s => s.close(100)))
  })

  async function serve(cwd: string, extra: ReturnType<typeof parseHeaders>): Promise<StartedServer> {
    const io = quietIo(cwd)
    const config = await resolveConfig(parseArgs(['public', '--port', '0', '-q']), io)
    const server = await startWith({ ...config, siteRules: extra }, io, { banner: false })
    servers.push(server)
    return server
  }

  it('are merged after the root\'s files: headers set later win, the first matching route wins', async () => {
    const { cwd } = site({ _headers: '/index.html\n  X-From: root\n  X-Root: yes\n', _redirects: '/go/* /root 302\n' })
    const extra = { headers: parseHeaders('/index.html\n  X-From: config\n', 'tinyhttp.json').headers, routes: parseRedirects('/go/x /config 302\n/more /config 302\n', 'tinyhttp.json').routes }
    const server = await serve(cwd, extra)
    const page = await rawRequest(server.port, request('GET', '/index.html'))
    expect(header(page, 'x-from')).toBe('config')
    expect(header(page, 'x-root')).toBe('yes')
    expect(header(await rawRequest(server.port, request('GET', '/go/x')), 'location')).toBe('/root')
    expect(header(await rawRequest(server.port, request('GET', '/more')), 'location')).toBe('/config')
    // A configuration rule the root's files always pre-empt is an error naming both.
    await expect(server.reloadRules(parseRedirects('/go/* /config 302\n', 'tinyhttp.json'))).rejects.toThrow(
      /^tinyhttp\.json:1: can never match: public\/_redirects:1 has the same pattern and comes first$/,
    )
  })

  it('reloadRules(extra) swaps in new extra rules; an invalid set rejects and keeps the old', async () => {
    const { cwd } = site({ _headers: '/index.html\n  X-Root: yes\n' })
    const server = await serve(cwd, parseHeaders('/index.html\n  X-Config: one\n', 'tinyhttp.json'))
    await server.reloadRules(parseHeaders('/index.html\n  X-Config: two\n', 'tinyhttp.json'))
    let page = await rawRequest(server.port, request('GET', '/index.html'))
    expect(header(page, 'x-config')).toBe('two')
    expect(header(page, 'x-root')).toBe('yes')
    await expect(server.reloadRules(parseRedirects('/a /b\n/b /a\n', 'tinyhttp.json'))).rejects.toThrow(/^tinyhttp\.json:1: redirect cycle/)
    page = await rawRequest(server.port, request('GET', '/index.html'))
    expect(header(page, 'x-config')).toBe('two')
    // Without an argument, the extra rules given last are kept.
    await server.reloadRules()
    expect(header(await rawRequest(server.port, request('GET', '/index.html')), 'x-config')).toBe('two')
  })

  it('without rules and without --watch, rules() is not in the chain: new rules need a restart', async () => {
    const { cwd } = site({})
    const server = await serve(cwd, { headers: [], routes: [] })
    await expect(server.reloadRules(parseHeaders('/*\n  X-A: 1\n', 'tinyhttp.json'))).rejects.toThrow(/restart to apply/)
    await expect(server.reloadRules({ headers: [], routes: [] })).resolves.toBeUndefined()
  })
})
