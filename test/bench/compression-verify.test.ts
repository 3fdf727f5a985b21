// The compression run's checks and report (bench/lib/verify-encodings.mjs, bench/lib/compression-report.mjs,
// bench/verify-encodings.mjs) on a tiny fixture, against small node:http servers made here that compress
// right, answer identity, lie about their coding or compress only after a while, and against the real CLI
// with --precompressed. No load and no timing assertion: what is asserted is that the check tells these
// servers apart, that a non-compressing target's compressed scenarios are not timed, and that the size table
// and the goals are computed from the bytes that were on the wire.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliBuilt, spawnCli, type CliProcess } from '../helpers/cli-process.js'

const BENCH = fileURLToPath(new URL('../../bench/', import.meta.url))

interface Answer {
  status: number
  coding: string
  wire: number
  body: number
  etag: string | null
  vary: string | null
}
interface EncodingsVerdict {
  ok: boolean
  failures: string[]
  notes: string[]
  coding: Record<string, string>
  notTimed: Record<string, string>
  sizes: Record<string, { z: Answer | null; id: Answer | null }>
  readyAfterMs: Record<string, number>
}
interface FixturesModule {
  makeCompressionFixtures(dir: string, opts: { bundleSize?: number; demo?: Record<string, Buffer> }): Record<string, { size: number; path: string }>
  compressionFixtureBytes(opts: { bundleSize?: number; demo?: Record<string, Buffer> }): Record<string, Buffer>
}
interface BundleModule {
  makeBundle(size: number, seed?: number): Buffer
}
interface VerifyModule {
  ACCEPT: string
  verifyEncodings(port: number, files: Record<string, Buffer>, opts: { expect?: string | null; readyTimeoutMs?: number }): Promise<EncodingsVerdict>
  siteBytes(sizes: EncodingsVerdict['sizes'], paths: string[]): { z: number; id: number; ratio: number } | null
  SITES: Record<string, string[]>
}
interface Scenario {
  name: string
  path: string
  encoded?: boolean
}
interface WrkModule {
  scenarioByName(name: string): Scenario
  scenarioSkip(s: Scenario, t: { compression?: string | null }, verdict: { supports304: boolean; etag: string | null; encodings?: EncodingsVerdict }): string | null
  compressionScenarios(): Scenario[]
}
interface Goal {
  goal: string
  value: string
  pass: boolean | null
}
interface ReportModule {
  checkCompressionGoals(target: { name: string }, rounds: unknown[], summary: unknown, encodings: Record<string, EncodingsVerdict>, scenarios: Scenario[]): Goal[]
  printCompressionReport(o: { rounds: unknown[]; summary: unknown; targets: unknown[]; scenarios: Scenario[]; log: (s?: string) => void }): { ours: Record<string, string | null>; cpuRatioToOurs: Record<string, Record<string, number>> }
}

const load = async <T>(file: string): Promise<T> => (await import(join(BENCH, file))) as T

/** How a test server answers `Accept-Encoding: gzip, br`. */
interface Behaviour {
  /** The coding it compresses with when the client accepts it; null: identity always. */
  coding: 'gzip' | 'br' | null
  /** Sends gzip bytes labelled as this coding's (a broken server). */
  lie?: boolean
  /** Answers identity for this long after it started (a variant made in the background). */
  lateMs?: number
}

/** A small node:http server answering the fixture files, with ETag per representation and Vary. */
function codingServer(files: Record<string, Buffer>, b: Behaviour): Promise<{ server: Server; port: number }> {
  const started = Date.now()
  const encode = (bytes: Buffer): Buffer => {
    if (b.lie || b.coding === 'gzip') return gzipSync(bytes)
    return brotliCompressSync(bytes)
  }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const bytes = files[(req.url ?? '/').slice(1)]
    if (!bytes) {
      res.writeHead(404, { 'Content-Length': 0 })
      return res.end()
    }
    const accepts = b.coding !== null && (req.headers['accept-encoding'] ?? '').includes(b.coding)
    const ready = Date.now() - started >= (b.lateMs ?? 0)
    const headers: Record<string, string | number> = { 'Content-Type': 'text/plain', Vary: 'Accept-Encoding' }
    if (accepts && ready && b.coding) {
      const body = encode(bytes)
      res.writeHead(200, { ...headers, 'Content-Encoding': b.coding, 'Content-Length': body.length, ETag: `"x-${b.coding}"` })
      return res.end(body)
    }
    res.writeHead(200, { ...headers, 'Content-Length': bytes.length, ETag: '"x"' })
    res.end(bytes)
  })
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port })))
}

const DEMO = {
  'index.html': Buffer.from(`<!doctype html><title>demo</title>${'<p>The demo page of a tiny fixture, long enough to be compressed.</p>\n'.repeat(24)}`),
  'style.css': Buffer.from('body { margin: 0 }\n'),
  'cors.html': Buffer.from(`<!doctype html><title>cors</title>${'<p>A second page of the tiny demo.</p>\n'.repeat(40)}`),
  'data.json': Buffer.from('{"ok":true}\n'),
}

let dir = ''
let files: Record<string, Buffer> = {}
let verify: VerifyModule
let wrk: WrkModule
let report: ReportModule
const servers: Server[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bench-z-'))
  const fixtures = await load<FixturesModule>('fixtures/make.mjs')
  fixtures.makeCompressionFixtures(dir, { bundleSize: 16 * 1024, demo: DEMO })
  files = fixtures.compressionFixtureBytes({ bundleSize: 16 * 1024, demo: DEMO })
  verify = await load<VerifyModule>('lib/verify-encodings.mjs')
  wrk = await load<WrkModule>('lib/wrk.mjs')
  report = await load<ReportModule>('lib/compression-report.mjs')
})

afterAll(async () => {
  for (const s of servers) await new Promise(resolve => s.close(resolve))
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function serverFor(b: Behaviour): Promise<number> {
  const { server, port } = await codingServer(files, b)
  servers.push(server)
  return port
}

describe('compression fixtures', () => {
  it('make the same bundle every time, compressing like real JavaScript (3–4× with gzip -9)', async () => {
    const { makeBundle } = await load<BundleModule>('fixtures/bundle.mjs')
    const a = makeBundle(300 * 1024)
    expect(a.length).toBe(300 * 1024)
    expect(a.equals(makeBundle(300 * 1024))).toBe(true)
    const ratio = a.length / gzipSync(a, { level: 9 }).length
    expect(ratio).toBeGreaterThanOrEqual(3)
    expect(ratio).toBeLessThanOrEqual(4)
  })

  it('have .gz/.br siblings that decode to the file, and br-size files as long as the .br', () => {
    for (const name of ['app.js', 'index.html', 'demo/index.html']) {
      expect(gunzipSync(files[`${name}.gz`] as Buffer).equals(files[name] as Buffer)).toBe(true)
      expect(brotliDecompressSync(files[`${name}.br`] as Buffer).equals(files[name] as Buffer)).toBe(true)
    }
    expect(files['demo/data.json.gz']).toBeUndefined() // under 1 KiB: no sibling
    expect(files['app.br-size.js']?.length).toBe(files['app.js.br']?.length)
    expect(files['index.br-size.html']?.length).toBe(files['index.html.br']?.length)
  })
})

describe('verifyEncodings', () => {
  it('accepts a server that compresses right, and records the bytes on the wire', async () => {
    const port = await serverFor({ coding: 'gzip' })
    const v = await verify.verifyEncodings(port, files, { expect: 'gzip' })
    expect(v.failures).toEqual([])
    expect(v.ok).toBe(true)
    expect(v.coding).toEqual({ '/app.js': 'gzip', '/index.html': 'gzip' })
    expect(v.notTimed).toEqual({})
    const app = v.sizes['/app.js']
    expect(app?.z?.body).toBe(gzipSync(files['app.js'] as Buffer).length)
    expect(app?.id?.body).toBe(files['app.js']?.length)
    expect(app?.z?.wire).toBeGreaterThan(app?.z?.body ?? Infinity) // the head counts too
    expect(app?.z?.wire).toBeLessThan(app?.id?.wire ?? 0)
    const page = verify.siteBytes(v.sizes, verify.SITES['bench page'] as string[])
    expect(page?.ratio).toBeLessThan(1)
    expect(verify.siteBytes(v.sizes, ['/nope.js'])).toBeNull()
  })

  it('reports identity where a target should compress, and the harness does not time that scenario', async () => {
    const port = await serverFor({ coding: null })
    const v = await verify.verifyEncodings(port, files, { expect: 'br', readyTimeoutMs: 200 })
    expect(v.ok).toBe(true) // right bytes: not a failure, but…
    expect(Object.keys(v.notTimed).sort()).toEqual(['/app.js', '/index.html'])
    expect(v.notTimed['/app.js']).toMatch(/answered identity .* \(expected br/)
    const jsZ = wrk.scenarioByName('js-z')
    const verdict = { supports304: false, etag: null, encodings: v }
    expect(wrk.scenarioSkip(jsZ, { compression: 'br' }, verdict)).toMatch(/answered identity/)
    expect(wrk.scenarioSkip(wrk.scenarioByName('js-id'), { compression: 'br' }, verdict)).toBeNull()
    expect(wrk.scenarioSkip(jsZ, { compression: null }, verdict)).toBe('does not compress (by design)')
    const byDesign = await verify.verifyEncodings(port, files, { expect: null })
    expect(byDesign.notTimed).toEqual({})
  })

  it('fails a server whose encoded body does not decode to the file', async () => {
    const port = await serverFor({ coding: 'br', lie: true })
    const v = await verify.verifyEncodings(port, files, { expect: 'br' })
    expect(v.ok).toBe(false)
    expect(v.failures.join('\n')).toMatch(/\/app\.js \(br\): the body does not decode/)
  })

  it('waits for a variant made in the background, and says how long it took', async () => {
    const port = await serverFor({ coding: 'gzip', lateMs: 300 })
    const v = await verify.verifyEncodings(port, files, { expect: 'gzip', readyTimeoutMs: 3000 })
    expect(v.ok).toBe(true)
    expect(v.coding['/app.js']).toBe('gzip')
    expect(v.readyAfterMs['/app.js']).toBeGreaterThan(0)
    expect(v.notes.join('\n')).toMatch(/\/app\.js: identity at first, gzip after \d+ ms/)
  })

  it('notes the same ETag on two representations and a missing Vary', async () => {
    const server = createServer((req, res) => {
      const bytes = files[(req.url ?? '/').slice(1)] as Buffer
      const gz = (req.headers['accept-encoding'] ?? '').includes('gzip')
      const body = gz ? gzipSync(bytes) : bytes
      res.writeHead(200, { ETag: '"same"', 'Content-Length': body.length, ...(gz ? { 'Content-Encoding': 'gzip' } : {}) })
      res.end(body)
    })
    servers.push(server)
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const v = await verify.verifyEncodings((server.address() as AddressInfo).port, files, { expect: 'gzip' })
    expect(v.ok).toBe(true)
    expect(v.notes.join('\n')).toMatch(/the same ETag on the compressed and the identity bytes .*\/app\.js/)
    expect(v.notes.join('\n')).toMatch(/compressed answer without Vary: Accept-Encoding: .*\/index\.html/)
  })
})

describe('compression report', () => {
  it('computes the goals from the measured bytes and the CPU figures it is given', async () => {
    const ours = await verify.verifyEncodings(await serverFor({ coding: 'br' }), files, { expect: 'br' })
    const nginx = await verify.verifyEncodings(await serverFor({ coding: 'gzip' }), files, { expect: 'gzip' })
    const run = (cpu: Record<string, number>) => Object.fromEntries(Object.entries(cpu).map(([s, us]) => [s, { cpuUsPerReq: us }]))
    const rounds = [
      {
        targets: {
          'ours-cli': { verdict: { ok: true, encodings: ours }, scenarios: run({ 'js-z': 50, 'js-brsize': 40, 'html-z': 10, 'html-brsize': 10 }) },
          'nginx-gzip': { verdict: { ok: true, encodings: nginx }, scenarios: run({ 'js-z': 400, 'js-brsize': 30, 'html-z': 20, 'html-brsize': 9 }) },
        },
      },
    ]
    const summary = {
      'ours-cli': { scenarios: run({ 'js-z': 50, 'js-brsize': 40, 'html-z': 10, 'html-brsize': 10 }) },
      'nginx-gzip': { scenarios: run({ 'js-z': 400, 'js-brsize': 30, 'html-z': 20, 'html-brsize': 9 }) },
    }
    const scenarios = wrk.compressionScenarios()
    const goals = report.checkCompressionGoals({ name: 'ours-cli' }, rounds, summary, { 'ours-cli': ours, 'nginx-gzip': nginx }, scenarios)
    const byGoal = (re: RegExp): Goal => {
      const g = goals.find(x => re.test(x.goal))
      if (!g) throw new Error(`no goal ${re}`)
      return g
    }
    expect(byGoal(/^js-z CPU\/req ≤ 1\.10× own js-brsize/)).toMatchObject({ value: '1.25× (50.0 vs 40.0 µs)', pass: false })
    expect(byGoal(/^html-z CPU\/req ≤ 1\.10× own html-brsize/)).toMatchObject({ pass: true })
    expect(byGoal(/^js-z CPU\/req ≤ 0\.33× nginx-gzip/)).toMatchObject({ value: '0.13× (50.0 vs 400.0 µs)', pass: true })
    const br = brotliCompressSync(files['app.js'] as Buffer).length
    const gz = gzipSync(files['app.js'] as Buffer).length
    expect(byGoal(/^\/app\.js body: our brotli ≤ 0\.8× the size of nginx-gzip's gzip$/).value).toBe(`${(br / gz).toFixed(2)}× (br ${br.toLocaleString('en-US')} B vs gzip ${gz.toLocaleString('en-US')} B)`)
    const demo = verify.siteBytes(ours.sizes, verify.SITES.demo as string[])
    if (!demo) throw new Error('the demo was not measured')
    expect(demo.z).toBeLessThan(demo.id)
    expect(byGoal(/^demo \(.*\): bytes on the wire ≤ 0\.4× identity$/)).toMatchObject({ value: `${demo.ratio.toFixed(2)}× (${demo.z.toLocaleString('en-US')} vs ${demo.id.toLocaleString('en-US')} B)`, pass: demo.ratio <= 0.4 })

    const lines: string[] = []
    const targets = [
      { name: 'ours-cli', ours: true },
      { name: 'nginx-gzip' },
    ]
    const z = report.printCompressionReport({ rounds, summary, targets, scenarios, log: (s = '') => lines.push(s) })
    expect(z.ours['js-z']).toBe('ours-cli')
    expect(z.cpuRatioToOurs['nginx-gzip']?.['js-z']).toBe(8)
    const text = lines.join('\n')
    expect(text).toMatch(/^\| nginx-gzip +\| gzip \/ gzip +\| +400\.0 \(8\.00×\) \|/m)
    expect(text).toMatch(/^\| ours-cli +\| br \/ br +\| +50\.0 \(1\.00×\) \|/m)
    expect(text).toContain('### Sizes: bytes on the wire')
    expect(text).toContain(`br ${ours.sizes['/app.js']?.z?.wire.toLocaleString('en-US')} / ${ours.sizes['/app.js']?.id?.wire.toLocaleString('en-US')}`)
  })

  it('divides by the first of our targets timed in a scenario when ours-cli was not (it answered identity)', async () => {
    const br = await verify.verifyEncodings(await serverFor({ coding: 'br' }), files, { expect: 'br' })
    const none = await verify.verifyEncodings(await serverFor({ coding: null }), files, { expect: 'br', readyTimeoutMs: 100 })
    const cells = (cpu: Record<string, number>) => Object.fromEntries(Object.entries(cpu).map(([sc, us]) => [sc, { cpuUsPerReq: us }]))
    const perTarget = {
      'ours-cli': { encodings: none, cpu: { 'js-id': 80, 'html-id': 20 } },
      'ours-cli-pre': { encodings: br, cpu: { 'js-z': 40, 'js-id': 100, 'html-id': 20 } },
      serve: { encodings: br, cpu: { 'js-z': 4000, 'js-id': 800, 'html-id': 400 } },
    }
    const rounds = [{ targets: Object.fromEntries(Object.entries(perTarget).map(([n, v]) => [n, { verdict: { ok: true, encodings: v.encodings }, scenarios: cells(v.cpu) }])) }]
    const summary = Object.fromEntries(Object.entries(perTarget).map(([n, v]) => [n, { scenarios: cells(v.cpu) }]))
    const scenarios = ['js-z', 'js-id', 'html-id'].map(n => wrk.scenarioByName(n))
    const lines: string[] = []
    const targets = [{ name: 'ours-cli', ours: true }, { name: 'ours-cli-pre', ours: true }, { name: 'serve' }]
    const z = report.printCompressionReport({ rounds, summary, targets, scenarios, log: (s = '') => lines.push(s) })
    expect(z.ours).toEqual({ 'js-z': 'ours-cli-pre', 'js-id': 'ours-cli', 'html-id': 'ours-cli' })
    expect(z.cpuRatioToOurs.serve).toEqual({ 'js-z': 100, 'js-id': 10, 'html-id': 20 })
    const text = lines.join('\n')
    expect(text).toMatch(/\| +js-z \(× ours-cli-pre\) \| +js-id \|/)
    expect(text).toMatch(/^\| ours-cli +\| identity \/ identity +\| +skip \| +80\.0 \(1\.00×\) \|/m)
  })
})

describe.skipIf(!cliBuilt())('the CLI with --precompressed, checked by the library and by bench/verify-encodings.mjs', () => {
  let cli: CliProcess | null = null
  afterAll(async () => {
    await cli?.stop()
  })

  it('answers br from the .br siblings, decoded equal to the files', async () => {
    cli = await spawnCli([dir, '--port', '0', '--host', '127.0.0.1', '--precompressed'])
    const v = await verify.verifyEncodings(cli.port, files, { expect: 'br' })
    expect(v.failures).toEqual([])
    expect(v.coding['/app.js']).toBe('br')
    expect(v.sizes['/app.js']?.z?.body).toBe(files['app.js.br']?.length)
  })

  it('bench/verify-encodings.mjs starts the target, checks it and prints the size table', async () => {
    const portBase = 30_000 + Math.floor(Math.random() * 20_000)
    const child = spawn(process.execPath, [join(BENCH, 'verify-encodings.mjs'), '--root', dir, '--targets', 'ours-cli-pre,node-http-mem', '--no-install', '--port-base', String(portBase)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const code = await new Promise<number | null>(resolve => child.on('close', resolve))
    expect(out).toMatch(/^ours-cli-pre: ok; \/app\.js br, \/index\.html br \(expected br\)$/m)
    expect(out).toMatch(/^node-http-mem: ok; \/app\.js identity, \/index\.html identity \(does not compress, by design\)$/m)
    expect(out).toMatch(/^\| ours-cli-pre +\| +br [\d,]+ \/ [\d,]+ \(0\.\d\d×\) \|/m)
    expect(code).toBe(0)
  }, 30_000)
})
