// The CLI loads only what its configuration uses: each module Node's ES module loader keeps costs about
// 0.1 MB of RSS, so a default run must not import the websocket, metrics, listing or rules packages, nor
// the CLI's own optional parts (--dev, --admin, --check, healthcheck, workers, the config file's schema).
// The process is spawned with test/helpers/loaded-modules.mjs preloaded, which writes the file: URL of
// every script the process loaded when it exits (start-up, a request, shutdown).
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest } from '../helpers/raw-client.js'
import { cleanupTemp, demoSite, ensureBuilt, killAll, startCli, tempDir } from './helpers.js'

const HOOK = fileURLToPath(new URL('../helpers/loaded-modules.mjs', import.meta.url))

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

/**
 * Runs the CLI with `args`, answers one `GET /`, stops it with SIGTERM; returns the dist files it loaded,
 * as `package/path`, and the npm packages, as `node_modules/name`.
 */
async function loadedBy(args: readonly string[], cwd: string): Promise<string[]> {
  const out = join(tempDir('tinyhttp-modules-'), 'modules.json')
  const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(HOOK).href}`.trim()
  const cli = await startCli(args, { cwd, env: { NODE_OPTIONS: nodeOptions, LOADED_MODULES_OUT: out } })
  const res = await rawRequest(cli.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${cli.port}\r\nConnection: close\r\n\r\n`)
  expect(res.status).toBe(200)
  cli.child.kill('SIGTERM')
  expect((await cli.exited()).code).toBe(0)
  const urls = JSON.parse(readFileSync(out, 'utf8')) as string[]
  return urls.flatMap(url => {
    const m = /\/packages\/([^/]+)\/dist\/(.+)$/.exec(url)
    if (m !== null) return [`${m[1]}/${m[2]}`]
    const at = url.lastIndexOf('/node_modules/')
    if (at < 0) return []
    const [scope = '', name = ''] = url.slice(at + '/node_modules/'.length).split('/')
    return [`node_modules/${scope.startsWith('@') ? `${scope}/${name}` : scope}`]
  })
}

const packagesOf = (files: readonly string[]): string[] => [...new Set(files.filter(f => !f.startsWith('node_modules/')).map(f => f.slice(0, f.indexOf('/'))))].sort()

describe('start-up loads only what the configuration uses', () => {
  it('a default run (no flags but the port) loads core, static, allowlist, cors, fallback and the CLI, and none of its optional parts', async () => {
    const { cwd } = demoSite()
    const files = await loadedBy(['public', '--port', '0'], cwd)
    expect(files).toContain('cli/bin.js')
    expect(files).toContain('cli/access-log.js') // not --quiet: the access log is in use
    expect(packagesOf(files)).toEqual(['allowlist', 'cli', 'core', 'cors', 'fallback', 'static'])
    const optional = /^cli\/(dev\/|admin-|cluster-admin|healthcheck|http-probe|check|schema\.js|schema-validate|workers|config-file\.js|config-file-watch|reload)/
    expect(files.filter(f => optional.test(f))).toEqual([])
    // HTML and CSS are in static's table of common types: the whole mime database stays unloaded.
    expect(files.filter(f => f.startsWith('node_modules/'))).toEqual([])
  }, 30_000)

  it('the optional packages load when their options ask for them: --listing, --isolate (rules), --admin (metrics), --dev (websocket)', async () => {
    const { cwd } = demoSite()
    const files = await loadedBy(['public', '--port', '0', '--listing', '--isolate', '--admin', '127.0.0.1:0', '--dev'], cwd)
    expect(packagesOf(files)).toEqual(['allowlist', 'cli', 'core', 'cors', 'fallback', 'listing', 'metrics', 'rules', 'static', 'websocket'])
    expect(files).toContain('cli/admin-wiring.js')
    expect(files).toContain('cli/dev/socket-endpoint.js')
  }, 30_000)

  it('a rule file in the root loads the rules package; the config file loads its schema validation', async () => {
    const { cwd, root } = demoSite()
    writeFileSync(join(root, '_headers'), '/*\n  X-Test: 1\n')
    writeFileSync(join(cwd, 'tinyhttp.json'), JSON.stringify({ cors: false }))
    const files = await loadedBy(['public', '--port', '0', '-q'], cwd)
    expect(packagesOf(files)).toContain('rules')
    expect(files).toContain('cli/config-file.js')
    expect(files).toContain('cli/schema-validate.js')
    expect(files).not.toContain('cli/access-log.js')
  }, 30_000)
})
