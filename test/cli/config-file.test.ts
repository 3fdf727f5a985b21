// tinyhttp.json through the real CLI process: read from the working directory or --config, applied to
// what goes on the wire, flags winning over it, and every fault a one-line startup error (exit 2) naming
// the file and the key.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parseArgs } from '../../packages/cli/src/args.js'
import { resolveConfig } from '../../packages/cli/src/config.js'
import { rawRequest } from '../helpers/raw-client.js'
import { cleanupTemp, demoSite, ensureBuilt, killAll, request, spawnCli, startCli, tempDir, REPO } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

const STYLE = readFileSync(join(REPO, 'public/style.css'))
const INDEX = readFileSync(join(REPO, 'public/index.html'))

const get = (port: number, path: string, headers: Record<string, string> = {}): ReturnType<typeof rawRequest> => rawRequest(port, request('GET', path, headers))

/** Runs the CLI to its exit (bounded) and returns the code and both streams. */
async function exitOf(args: readonly string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = spawnCli(args, { cwd })
  const { code } = await cli.exited(15_000)
  return { code, stdout: cli.stdout(), stderr: cli.stderr() }
}

describe('tinyhttp.json in the working directory', () => {
  it('its options apply on the wire ($schema accepted)', async () => {
    const { cwd } = demoSite()
    writeFileSync(join(cwd, 'tinyhttp.json'), JSON.stringify({ $schema: './node_modules/tinyhttp-cli/tinyhttp.schema.json', maxAge: 600, cors: false, notFound: 404, quiet: true }))
    const cli = await startCli(['--port', '0'], { cwd })
    const style = await get(cli.port, '/style.css')
    expect(style.statusLine).toBe('HTTP/1.1 200 OK')
    expect(style.headers.get('cache-control')).toEqual(['public, max-age=600'])
    expect(style.headers.has('access-control-allow-origin')).toBe(false)
    expect(style.body.equals(STYLE)).toBe(true)
    expect((await get(cli.port, '/nothing-here.txt')).status).toBe(404)
    // quiet: no access log line after Local:.
    expect(cli.stdout().trim().split('\n')).toHaveLength(1)
  })

  it('--no-config ignores it (even a broken one); without it the broken file stops the start', async () => {
    const { cwd } = demoSite()
    writeFileSync(join(cwd, 'tinyhttp.json'), '{"maxAge": }')
    const cli = await startCli(['--port', '0', '-q', '--no-config'], { cwd })
    expect((await get(cli.port, '/style.css')).headers.get('cache-control')).toEqual(['no-cache'])
    const r = await exitOf(['--port', '0'], cwd)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^tinyhttp-cli: tinyhttp\.json(:\d+)?: invalid JSON: /)
  })
})

describe('resolveConfig with a config file (in-process)', () => {
  it('fills siteRules, allowedRedirectHosts and configFile; its port beats $PORT, a flag beats both', async () => {
    const { cwd, root } = demoSite()
    writeFileSync(
      join(cwd, 'tinyhttp.json'),
      JSON.stringify({ port: 8123, redirects: [{ source: '/a', destination: 'https://docs.example/a' }], cleanUrls: true, allowedRedirectHosts: ['docs.example'] }),
    )
    const config = await resolveConfig(parseArgs([]), { cwd, env: { PORT: '9000' } })
    expect(config.port).toBe(8123)
    expect(config.root).toBe(root)
    expect(config.allowedRedirectHosts).toEqual(['docs.example'])
    expect(config.siteRules?.cleanUrls).toBe(true)
    expect(config.siteRules?.routes.map(r => [r.pattern.text, r.to.text, r.source])).toEqual([['/a', 'https://docs.example/a', { file: 'tinyhttp.json', key: 'redirects[0]' }]])
    expect(config.configFile?.path).toBe(join(cwd, 'tinyhttp.json'))
    expect((await resolveConfig(parseArgs(['-p', '0']), { cwd, env: { PORT: '9000' } })).port).toBe(0)
    // A rule across options names the keys the file set (not those the command line set).
    writeFileSync(join(cwd, 'tinyhttp.json'), JSON.stringify({ immutable: true, maxAge: 60 }))
    await expect(resolveConfig(parseArgs(['--cache', 'spa']), { cwd, env: {} })).rejects.toThrow(
      /^--cache spa and --immutable cannot be combined: .* \(tinyhttp\.json sets immutable\)$/,
    )
    // No file: nothing changes from before.
    const none = await resolveConfig(parseArgs(['--no-config']), { cwd, env: { PORT: '9000' } })
    expect([none.port, none.siteRules, none.allowedRedirectHosts, none.configFile]).toEqual([9000, undefined, [], undefined])
  })
})

describe('--config FILE', () => {
  it('relative root and allowFile are read against the file\'s folder, not the working directory', async () => {
    const top = tempDir()
    mkdirSync(join(top, 'conf'))
    mkdirSync(join(top, 'www'))
    mkdirSync(join(top, 'elsewhere'))
    writeFileSync(join(top, 'www/index.html'), INDEX)
    writeFileSync(join(top, 'www/style.css'), STYLE)
    writeFileSync(join(top, 'conf/allow.txt'), 'style.css\n')
    writeFileSync(join(top, 'conf/site.json'), JSON.stringify({ root: '../www', allowFile: 'allow.txt' }))
    const cli = await startCli(['--config', '../conf/site.json', '--port', '0', '-q'], { cwd: join(top, 'elsewhere') })
    const style = await get(cli.port, '/style.css')
    expect(style.status).toBe(200)
    expect(style.body.equals(STYLE)).toBe(true)
    expect((await get(cli.port, '/index.html')).status).toBe(403)
  })

  it('is refused inside the served root (it would be served), like the TLS files', async () => {
    const { cwd, root } = demoSite()
    writeFileSync(join(root, 'site.json'), '{}')
    const r = await exitOf(['public', '--config', 'public/site.json', '--port', '0'], cwd)
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('tinyhttp-cli: config file public/site.json is inside the root public: keep it outside so it is never served (or pass --no-config)\n')
    // tinyhttp.json found in the working directory while serving that same directory: refused too.
    writeFileSync(join(cwd, 'tinyhttp.json'), '{}')
    const same = await exitOf(['.', '--port', '0'], cwd)
    expect(same.code).toBe(2)
    expect(same.stderr).toMatch(/config file tinyhttp\.json is inside the root \./)
  })

  it('a missing --config file is a runtime error (exit 1); a missing tinyhttp.json is no error', async () => {
    const { cwd } = demoSite()
    const r = await exitOf(['--config', 'nope.json', '--port', '0'], cwd)
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(`tinyhttp-cli: cannot read config file ${join(cwd, 'nope.json')}: ENOENT\n`)
    const cli = await startCli(['--port', '0', '-q'], { cwd })
    expect((await get(cli.port, '/index.html')).status).toBe(200)
  })
})

describe('flags win over the file', () => {
  // One file setting each kind of option; the flags below change every one of them.
  const FILE = { isolate: false, cors: 'https://a.example', allow: ['index.html'], maxAge: 60, quiet: true }

  it('without flags the file applies', async () => {
    const { cwd } = demoSite()
    writeFileSync(join(cwd, 'tinyhttp.json'), JSON.stringify(FILE))
    const cli = await startCli(['--port', '0'], { cwd })
    const index = await get(cli.port, '/index.html', { Origin: 'https://a.example' })
    expect(index.status).toBe(200)
    expect(index.headers.get('access-control-allow-origin')).toEqual(['https://a.example'])
    expect(index.headers.has('cross-origin-opener-policy')).toBe(false)
    expect((await get(cli.port, '/style.css')).status).toBe(403)
  })

  it('boolean (--isolate), negated (--no-cors), repeatable list (--allow replaces the file\'s list), value (--max-age)', async () => {
    const { cwd } = demoSite()
    writeFileSync(join(cwd, 'tinyhttp.json'), JSON.stringify(FILE))
    const cli = await startCli(['--port', '0', '--isolate', '--no-cors', '--allow', 'style.css', '--max-age', '120'], { cwd })
    const style = await get(cli.port, '/style.css', { Origin: 'https://a.example' })
    expect(style.status).toBe(200)
    expect(style.body.equals(STYLE)).toBe(true)
    expect(style.headers.get('cross-origin-opener-policy')).toEqual(['same-origin'])
    expect(style.headers.has('access-control-allow-origin')).toBe(false)
    expect(style.headers.get('cache-control')).toEqual(['public, max-age=120'])
    expect((await get(cli.port, '/index.html')).status).toBe(403)
  })

  it('the root argument wins over root', async () => {
    const { cwd } = demoSite()
    mkdirSync(join(cwd, 'other'))
    writeFileSync(join(cwd, 'other/only.txt'), 'only\n')
    writeFileSync(join(cwd, 'tinyhttp.json'), JSON.stringify({ root: 'other', quiet: true }))
    const fromFile = await startCli(['--port', '0'], { cwd })
    expect((await get(fromFile.port, '/only.txt')).body.toString()).toBe('only\n')
    expect((await get(fromFile.port, '/style.css')).status).toBe(403)
    await killAll()
    const fromArg = await startCli(['public', '--port', '0'], { cwd })
    expect((await get(fromArg.port, '/style.css')).status).toBe(200)
    expect((await get(fromArg.port, '/only.txt')).status).toBe(403)
  })
})

describe('rule keys on the wire', () => {
  // The rules reach the wire through the `rules` middleware that the i12-cli-rules branch wires into
  // build-app.ts (with config.siteRules after the root's rule files, and config.allowedRedirectHosts as the
  // allowed hosts); on a build without it, config.siteRules is filled but not served yet: skipped there.
  const rulesWired = readFileSync(join(REPO, 'packages/cli/src/build-app.ts'), 'utf8').includes('reloadRules(')
  it.skipIf(!rulesWired)('redirects (to a path, and to an allowed host) and header rules from tinyhttp.json', async () => {
    const { cwd } = demoSite()
    writeFileSync(
      join(cwd, 'tinyhttp.json'),
      JSON.stringify({
        quiet: true,
        headers: [{ source: '/style.css', headers: [{ key: 'X-From-Config', value: 'yes' }] }],
        redirects: [
          { source: '/old/:name', destination: '/:name', type: 308 },
          { source: '/docs/*', destination: 'https://docs.example/:splat', type: 302 },
        ],
        allowedRedirectHosts: ['docs.example'],
      }),
    )
    const cli = await startCli(['--port', '0'], { cwd })
    const moved = await get(cli.port, '/old/style.css?v=1')
    expect(moved.statusLine).toBe('HTTP/1.1 308 Permanent Redirect')
    expect(moved.headers.get('location')).toEqual(['/style.css?v=1'])
    const away = await get(cli.port, '/docs/guide/intro')
    expect(away.status).toBe(302)
    expect(away.headers.get('location')).toEqual(['https://docs.example/guide/intro'])
    const style = await get(cli.port, '/style.css')
    expect(style.status).toBe(200)
    expect(style.headers.get('x-from-config')).toEqual(['yes'])
    expect(style.body.equals(STYLE)).toBe(true)
  })
})

describe('faults are startup errors naming the file and the key (exit 2, nothing served)', () => {
  it.each<[string, unknown, string]>([
    ['wrong type', { maxAge: '60' }, 'tinyhttp.json: maxAge: must be an integer from 0 to 315360000'],
    ['negative', { maxAge: -1 }, 'tinyhttp.json: maxAge: must be an integer from 0 to 315360000'],
    ['unknown key', { maxage: 60 }, 'tinyhttp.json: maxage: unknown key (did you mean "maxAge"?)'],
    ['a flag\'s spelling', { 'not-found': 404 }, 'tinyhttp.json: not-found: unknown key (did you mean "notFound"?)'],
    ['bad origin', { cors: ['https://a.example/path'] }, 'tinyhttp.json: cors: "https://a.example/path" is not an origin like https://app.example or http://localhost:3000'],
    ['redirect cycle', { redirects: [{ source: '/a', destination: '/b' }, { source: '/b', destination: '/a' }] }, 'tinyhttp.json: redirects[0]: redirect cycle: /a → /b → /a'],
    ['open redirect', { redirects: [{ source: '/a', destination: '//evil.example/' }] }, 'tinyhttp.json: redirects[0]: destination "//evil.example/"'],
    ['serve.json key we do not support', { directoryListing: true }, 'tinyhttp.json: directoryListing: unknown key'],
    ['two keys that do not go together', { immutable: true }, '--immutable needs --max-age <seconds> (tinyhttp.json sets immutable)'],
  ])('%s', async (_, json, message) => {
    const { cwd } = demoSite()
    writeFileSync(join(cwd, 'tinyhttp.json'), JSON.stringify(json))
    const r = await exitOf(['--port', '0'], cwd)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.startsWith(`tinyhttp-cli: ${message}`), r.stderr).toBe(true)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('with --config, the file is named as given', async () => {
    const { cwd } = demoSite()
    mkdirSync(join(cwd, 'conf'))
    writeFileSync(join(cwd, 'conf/dev.json'), JSON.stringify({ port: 'auto' }))
    const r = await exitOf(['--config', 'conf/dev.json'], cwd)
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('tinyhttp-cli: conf/dev.json: port: must be an integer from 0 to 65535\n')
  })
})

describe('--print-schema', () => {
  it('prints the committed tinyhttp.schema.json and exits 0, without reading any config file', async () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, 'tinyhttp.json'), '{ broken')
    const r = await exitOf(['--print-schema'], cwd)
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe(readFileSync(join(REPO, 'packages/cli/tinyhttp.schema.json'), 'utf8'))
    expect(JSON.parse(r.stdout)).toMatchObject({ type: 'object', additionalProperties: false })
  })
})
