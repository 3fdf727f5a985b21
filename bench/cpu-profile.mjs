#!/usr/bin/env node
// Where the server's CPU goes per request: runs the CLI under `node --cpu-prof`
// (server on CPU 0, load on CPU 1), one fresh process per scenario, and prints
// the functions with the most self time (and the files they are in), as a
// share of the CPU the process used during the load (after a 2 s warm-up), and
// for every scenario after the first, the difference per function (cond − ka:
// what a 304 costs more or less than a 200). See bench/README.md.
//
//   node bench/cpu-profile.mjs [--scenarios ka,cond] [--duration S] [--top N] [--keep DIR]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FIXTURES_DIR, makeFixtures } from './fixtures/make.mjs'
import { CLK_TCK, cpuCount, groupUsage, portFree, startServer, stopServer, waitForPort } from './lib/proc.mjs'
import { table } from './lib/report.mjs'
import { verifyTarget } from './lib/verify.mjs'
import { SCENARIOS, runLoad, scenarioByName } from './lib/wrk.mjs'

const BENCH = fileURLToPath(new URL('./', import.meta.url))
const REPO = fileURLToPath(new URL('../', import.meta.url))
const BIN = join(REPO, 'packages/cli/dist/bin.js')
const log = (s = '') => process.stdout.write(`${s}\n`)

const HELP = `Usage: node bench/cpu-profile.mjs [options]

  --scenarios a,b   wrk scenarios to profile, one fresh CLI each (default ka,cond; head needs headload)
  --duration S      seconds of load (default 5)
  --top N           functions to list per scenario (default 20)
  --interval US     sampling interval in µs (default 250)
  --keep DIR        keep the .cpuprofile files in DIR (open them in Chrome DevTools)
  --port N          port (default 22000)
  -h, --help`

function die(msg, code = 2) {
  process.stderr.write(`cpu-profile: ${msg}\n`)
  process.exit(code)
}

function parseArgs(argv) {
  const o = { scenarios: ['ka', 'cond'], durationS: 5, top: 20, intervalUs: 250, keep: null, port: 22000 }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined]
    const val = () => inline ?? argv[++i] ?? die(`${flag} needs a value`)
    switch (flag) {
      case '--scenarios': o.scenarios = val().split(',').map((s) => s.trim()).filter(Boolean); break
      case '--duration': o.durationS = Number(val()); break
      case '--top': o.top = Number(val()); break
      case '--interval': o.intervalUs = Number(val()); break
      case '--keep': o.keep = val(); break
      case '--port': o.port = Number(val()); break
      case '-h': case '--help': log(HELP); process.exit(0)
      default: die(`unknown option ${a}\n\n${HELP}`)
    }
  }
  for (const s of o.scenarios) if (!scenarioByName(s) || scenarioByName(s).tool !== 'wrk') die(`unknown or non-wrk scenario ${s} (known: ${SCENARIOS.filter((x) => x.tool === 'wrk').map((x) => x.name).join(', ')})`)
  return o
}

/** Where a call frame lives, short: a path relative to the repo, node:internal/…, or (native). */
function where(url) {
  if (!url) return '(native)'
  const path = url.startsWith('file://') ? fileURLToPath(url) : url
  return path.startsWith('/') ? relative(REPO, path) : path
}

/**
 * Self time per function and per file from a V8 .cpuprofile, counting only the samples taken inside
 * `window` (µs on the monotonic clock, as process.hrtime and V8's timestamps): the load, not start-up.
 * @param {{ fromUs: number, toUs: number }} [window]
 * @returns {{ totalUs: number, idleUs: number, samples: number, byFunction: [string, number][], byFile: [string, number][] }}
 */
export function summarizeProfile(profile, window = { fromUs: -Infinity, toUs: Infinity }) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  const selfUs = new Map()
  let t = profile.startTime
  let samples = 0
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0
    t += dt
    if (t < window.fromUs || t > window.toUs) continue
    samples++
    const id = profile.samples[i]
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt)
  }
  const byFunction = new Map()
  const byFile = new Map()
  let totalUs = 0
  let idleUs = 0
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame
    if (functionName === '(idle)') {
      idleUs += us
      continue
    }
    totalUs += us
    const file = where(url)
    const fn = `${functionName || '(anonymous)'} ${file}${url ? `:${lineNumber + 1}` : ''}`
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us)
    byFile.set(file, (byFile.get(file) ?? 0) + us)
  }
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1])
  return { totalUs, idleUs, samples, byFunction: sorted(byFunction), byFile: sorted(byFile) }
}

async function profileScenario(s, o, pin) {
  const dir = o.keep ?? mkdtempSync(join(tmpdir(), 'tinyhttp-cpuprof-'))
  const server = startServer({
    cmd: ['node', '--cpu-prof', '--cpu-prof-interval', String(o.intervalUs), '--cpu-prof-dir', dir, '--cpu-prof-name', `${s.name}.cpuprofile`, BIN, FIXTURES_DIR, '--port', String(o.port), '--host', '127.0.0.1', '--quiet'],
    env: { NODE_ENV: 'production' },
    cwd: BENCH,
    cpuList: pin ? '0' : null,
  })
  try {
    if (!(await waitForPort(o.port, 10_000, server.isRunning))) die(`the CLI did not listen: ${server.output()}`, 1)
    const verdict = await verifyTarget(o.port, o.files, {})
    if (!verdict.ok) die(`verification failed: ${verdict.failures.join('; ')}`, 1)
    const load = { port: o.port, etag: verdict.etag, cpuList: pin ? '1' : null }
    await runLoad(s, { ...load, durationS: 2 }) // warm-up (JIT), outside the window
    const fromUs = Number(process.hrtime.bigint() / 1000n)
    const u0 = groupUsage(server.pid)
    const r = await runLoad(s, { ...load, durationS: o.durationS })
    const u1 = groupUsage(server.pid)
    const toUs = Number(process.hrtime.bigint() / 1000n)
    await stopServer(server)
    const file = join(dir, `${s.name}.cpuprofile`)
    const profile = JSON.parse(readFileSync(file, 'utf8'))
    return { r, cpuUs: ((u1.cpuTicks - u0.cpuTicks) / CLK_TCK / r.requests) * 1e6, summary: summarizeProfile(profile, { fromUs, toUs }), file }
  } finally {
    await stopServer(server)
    if (!o.keep) rmSync(dir, { recursive: true, force: true })
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2))
  if (!(await portFree(o.port))) die(`port ${o.port} is busy (--port N)`)
  o.files = Object.fromEntries(Object.keys(makeFixtures(FIXTURES_DIR)).map((n) => [n, readFileSync(join(FIXTURES_DIR, n))]))
  const pin = cpuCount() >= 2
  const perReqByFunction = []
  for (const name of o.scenarios) {
    const s = scenarioByName(name)
    const { r, cpuUs, summary, file } = await profileScenario(s, o, pin)
    perReqByFunction.push({ name, cpuUs, map: new Map(summary.byFunction.map(([fn, us]) => [fn, (us / summary.totalUs) * cpuUs])) })
    // Shares of the profiled (wall-clock sampled) non-idle time; µs/req = share × the CPU µs/req read
    // from /proc, since a sample taken while the thread was preempted counts wall time, not CPU time.
    const pct = (us) => `${((us / summary.totalUs) * 100).toFixed(1)}%`
    const perReq = (us) => ((us / summary.totalUs) * cpuUs).toFixed(2)
    log()
    log(`### ${s.name}: ${s.title}`)
    log()
    log(`${r.requests.toLocaleString('en-US')} requests in ${r.durationS.toFixed(1)} s (${Math.round(r.rps).toLocaleString('en-US')} req/s, profiler on); ` +
      `server CPU ${cpuUs.toFixed(2)} µs/req (/proc); ${summary.samples} samples in the load's window, ` +
      `${((summary.idleUs / (summary.idleUs + summary.totalUs)) * 100).toFixed(0)}% idle${o.keep ? `; ${file}` : ''}`)
    log()
    log(table(['>self %', '>µs/req', 'function  file:line'], summary.byFunction.slice(0, o.top).map(([fn, us]) => [pct(us), perReq(us), fn])))
    log()
    log(table(['>self %', '>µs/req', 'file'], summary.byFile.slice(0, 12).map(([f, us]) => [pct(us), perReq(us), f])))
  }
  // Every later scenario against the first (e.g. cond − ka: what a 304 costs more or less than a 200).
  const [base, ...others] = perReqByFunction
  for (const other of others) {
    const names = new Set([...base.map.keys(), ...other.map.keys()])
    const diff = [...names].map((fn) => [fn, (other.map.get(fn) ?? 0) - (base.map.get(fn) ?? 0)]).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    log()
    log(`### ${other.name} − ${base.name}: µs/req per function (${other.cpuUs.toFixed(2)} − ${base.cpuUs.toFixed(2)} = ${(other.cpuUs - base.cpuUs).toFixed(2)} µs/req in all)`)
    log()
    log(table(['>Δ µs/req', `>${other.name}`, `>${base.name}`, 'function  file:line'], diff.slice(0, o.top).map(([fn, d]) => [`${d >= 0 ? '+' : ''}${d.toFixed(2)}`, (other.map.get(fn) ?? 0).toFixed(2), (base.map.get(fn) ?? 0).toFixed(2), fn])))
  }
}

main().catch((e) => die(e.stack ?? String(e), 1))
