#!/usr/bin/env node
// Idle-connection memory: what one idle keep-alive connection costs a server.
// For every target: start it, read its RSS, open N keep-alive connections
// that each send one complete GET /index.html and read the whole answer (so
// every connection is past one request and holds none), wait, read the RSS
// again; KB per idle connection = RSS growth ÷ N. See bench/README.md.
//
//   node bench/idle-memory.mjs [--targets a,b] [--connections N] [--rounds R] [--settle S] [--warmup S]
import { writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FIXTURES_DIR, makeFixtures } from './fixtures/make.mjs'
import { buildIdleconns, openFileLimit, openIdleConnections, openIdleConnectionsC, probe } from './lib/idle.mjs'
import { groupUsage, portFree, sleep, startServer, stopServer, waitForPort } from './lib/proc.mjs'
import { table } from './lib/report.mjs'
import { runLoad, scenarioByName } from './lib/wrk.mjs'
import { systemInfo, which } from './lib/setup.mjs'
import { median } from './lib/stats.mjs'
import { TARGETS, targetByName, unavailable } from './lib/targets.mjs'

const BENCH = fileURLToPath(new URL('./', import.meta.url))
const REPO = fileURLToPath(new URL('../', import.meta.url))
const log = (s = '') => process.stdout.write(`${s}\n`)
const DEFAULT_TARGETS = ['ours-cli', 'ours-lib', 'node-http-mem', 'nginx-1w', 'nginx-ofc']

const HELP = `Usage: node bench/idle-memory.mjs [options]

  --targets a,b         targets (default: ${DEFAULT_TARGETS.join(',')}; see node bench/run.mjs --list)
  --connections N       idle keep-alive connections per target (default 10000; needs ulimit -n > N + 100)
  --rounds R            measurements per target, interleaved; the median is reported (default 3)
  --concurrency C       connections being opened at a time (default 512)
  --settle S            seconds between the last answer and the second RSS reading (default 0.5)
  --warmup S            seconds of keep-alive load (the ka scenario, as run.mjs warms up) before the
                        first reading, so the young generation a served load grows is not counted as
                        the connections' (default 3; 0 = a cold server, the measure before 2026-12)

ours-cli closes connections idle for 5 s (no flag changes that): opening N must take less than
about 4 s or the round is invalid (a busy machine). ours-lib is the same core with a 600 s
keep-alive timeout (KEEPALIVE_TIMEOUT_MS), immune to that.
  --port-base N         first port (default 21000)
  --out DIR             where the JSON goes (default bench/results)
  -h, --help`

function die(msg, code = 2) {
  process.stderr.write(`idle-memory: ${msg}\n`)
  process.exit(code)
}

function parseArgs(argv) {
  const o = { targets: DEFAULT_TARGETS, connections: 10_000, concurrency: 512, rounds: 3, settleS: 0.5, warmupS: 3, portBase: 21000, out: join(BENCH, 'results') }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined]
    const val = () => inline ?? argv[++i] ?? die(`${flag} needs a value`)
    const number = (min) => {
      const n = Number(val())
      if (!Number.isFinite(n) || n < min) die(`${flag} needs a number ≥ ${min}`)
      return n
    }
    switch (flag) {
      case '--targets': o.targets = val().split(',').map((s) => s.trim()).filter(Boolean); break
      case '--connections': o.connections = Math.floor(number(1)); break
      case '--concurrency': o.concurrency = Math.floor(number(1)); break
      case '--rounds': o.rounds = Math.floor(number(1)); break
      case '--settle': o.settleS = number(0); break
      case '--warmup': o.warmupS = number(0); break
      case '--port-base': o.portBase = Math.floor(number(1024)); break
      case '--out': o.out = val(); break
      case '-h': case '--help': log(HELP); process.exit(0)
      default: die(`unknown option ${a}\n\n${HELP}`)
    }
  }
  return o
}

/**
 * nginx's worker_connections for n idle connections: nginx closes idle keep-alive connections
 * (ngx_drain_connections) once fewer than 1/16 of its connections are free, so leave more room.
 */
const nginxConnections = (n) => Math.ceil(n * 1.25) + 256

/** RSS of a process group in KB: the median of 3 readings 100 ms apart. */
async function rssKB(pgid) {
  const xs = []
  for (let i = 0; i < 3; i++) {
    if (i) await sleep(100)
    xs.push(groupUsage(pgid).rssMB * 1024)
  }
  return median(xs)
}

async function pickPort(start) {
  for (let p = start; p < start + 100; p++) if (await portFree(p)) return p
  throw new Error(`no free port in ${start}..${start + 99}`)
}

let current = null
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    if (current) await stopServer(current, 2000)
    process.exit(130)
  })
}

/**
 * One measurement of one target.
 * @returns {Promise<object>} the record (kbPerConn NaN when the measurement is not valid, with the reason)
 */
async function measure(t, port, n, settleS, warmupS, concurrency, open) {
  const rec = { port, connections: n, ok200: 0, statuses: {}, failures: [], rssBeforeKB: NaN, rssAfterKB: NaN, kbPerConn: NaN, openS: NaN, closedEarly: 0, probeAfter: 0, invalid: null }
  const server = startServer({
    cmd: t.cmd,
    env: { PORT: String(port), ROOT: FIXTURES_DIR, NODE_ENV: 'production', NGINX_WORKER_CONNECTIONS: String(nginxConnections(n)), KEEPALIVE_TIMEOUT_MS: '600000' },
    cwd: BENCH,
    cpuList: null,
  })
  current = server
  try {
    if (!(await waitForPort(port, 10_000, server.isRunning))) {
      rec.invalid = `did not listen: ${server.output().split('\n').slice(-3).join(' | ')}`
      return rec
    }
    // warm the path a connection takes (accept, parse, answer, keep) before the first reading
    const warm = await open({ port, n: 200, concurrency: 50 })
    await warm.closeAll()
    if (warmupS > 0) await runLoad(scenarioByName('ka'), { port, durationS: warmupS, etag: '', cpuList: null })
    await sleep(500)
    rec.rssBeforeKB = await rssKB(server.pid)
    const idle = await open({ port, n, concurrency })
    rec.openS = idle.openMs / 1000
    rec.statuses = idle.statuses
    rec.ok200 = idle.statuses[200] ?? 0
    rec.failures = [...new Set(idle.failures)].slice(0, 5)
    await sleep(settleS * 1000)
    rec.rssAfterKB = await rssKB(server.pid)
    rec.closedEarly = await idle.closedEarly()
    rec.probeAfter = await probe(port)
    await idle.closeAll()
    if (rec.ok200 !== n) rec.invalid = `${n - rec.ok200} of ${n} connections got no 200 (${rec.failures.join('; ') || JSON.stringify(rec.statuses)})`
    else if (rec.closedEarly > 0) rec.invalid = `the server closed ${rec.closedEarly} idle connections before the reading (keep-alive timeout? opening took ${rec.openS.toFixed(1)} s)`
    else if (rec.probeAfter !== 200) rec.invalid = `a new request after the reading got ${rec.probeAfter || 'no answer'}`
    else rec.kbPerConn = (rec.rssAfterKB - rec.rssBeforeKB) / n
    return rec
  } catch (e) {
    rec.invalid = e.message
    return rec
  } finally {
    await stopServer(server)
    current = null
    t.cleanup?.(port)
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2))
  for (const n of o.targets) if (!targetByName(n)) die(`unknown target ${n} (known: ${TARGETS.map((t) => t.name).join(', ')})`)
  const limit = openFileLimit()
  if (o.connections + 100 > limit) die(`--connections ${o.connections} needs more open files than this shell allows (ulimit -n = ${limit}); raise it (ulimit -n ${o.connections + 1000}) or open fewer`)
  const targets = []
  for (const name of o.targets) {
    const t = targetByName(name)
    const why = unavailable(t, { repo: REPO, bench: BENCH, which })
    if (why) log(`skip ${name}: ${why}`)
    else targets.push(t)
  }
  if (targets.length === 0) die('no target can run', 1)
  makeFixtures(FIXTURES_DIR)
  const cErr = await buildIdleconns()
  const open = cErr ? openIdleConnections : openIdleConnectionsC
  log(`idle keep-alive connections: ${o.connections} per target, ${o.rounds} round(s), settle ${o.settleS} s, warm-up ${o.warmupS} s of keep-alive load, client ${cErr ? `node:net (C client unavailable: ${cErr})` : 'lib/idleconns.c'}`)
  const results = Object.fromEntries(targets.map((t) => [t.name, []]))
  for (let r = 0; r < o.rounds; r++) {
    const order = [...targets.slice(r % targets.length), ...targets.slice(0, r % targets.length)]
    for (let i = 0; i < order.length; i++) {
      const t = order[i]
      const port = await pickPort(o.portBase + r * 100 + i)
      const rec = await measure(t, port, o.connections, o.settleS, o.warmupS, o.concurrency, open)
      results[t.name].push(rec)
      const fig = rec.invalid ? `INVALID: ${rec.invalid}` : `${rec.kbPerConn.toFixed(2)} KB/conn`
      log(`[round ${r + 1}/${o.rounds}] ${t.name.padEnd(14)} RSS ${(rec.rssBeforeKB / 1024).toFixed(1)} → ${(rec.rssAfterKB / 1024).toFixed(1)} MB, opened in ${rec.openS.toFixed(1)} s: ${fig}`)
    }
  }
  log()
  log(`### Idle keep-alive connections: RSS growth ÷ ${o.connections.toLocaleString('en-US')} connections (median over rounds)`)
  log()
  const rows = targets.map((t) => {
    const rs = results[t.name]
    const valid = rs.filter((x) => !x.invalid)
    return [
      t.name,
      valid.length ? median(valid.map((x) => x.kbPerConn)).toFixed(2) : '–',
      rs.map((x) => (x.invalid ? 'invalid' : x.kbPerConn.toFixed(2))).join(' / '),
      (median(rs.map((x) => x.rssBeforeKB)) / 1024).toFixed(1),
      (median(rs.map((x) => x.rssAfterKB)) / 1024).toFixed(1),
      `${valid.length}/${rs.length}`,
    ]
  })
  log(table(['target', '>KB per idle conn', '>per round', '>RSS before MB', '>RSS after MB', '>valid rounds'], rows))
  const invalid = targets.flatMap((t) => results[t.name].filter((x) => x.invalid).map((x) => `- ${t.name}: ${x.invalid}`))
  if (invalid.length) log(`\n${invalid.join('\n')}`)
  mkdirSync(o.out, { recursive: true })
  const started = new Date().toISOString()
  const file = join(o.out, `idle-${started.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`)
  const data = { meta: { started, connections: o.connections, rounds: o.rounds, settleS: o.settleS, warmupS: o.warmupS, system: await systemInfo(REPO) }, results }
  writeFileSync(file, `${JSON.stringify(data, (k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`)
  log(`\nJSON: ${file}`)
  if (invalid.length === targets.length * o.rounds) process.exit(1)
}

main().catch((e) => {
  process.stderr.write(`idle-memory: ${e.stack ?? e}\n`)
  if (current) stopServer(current, 2000).finally(() => process.exit(1))
  else process.exit(1)
})
