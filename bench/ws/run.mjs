#!/usr/bin/env node
// bench/ws: WebSocket echo, broadcast and idle memory, ours against `ws`, side by side with the
// method of bench/run.mjs: the server pinned to CPU 0 and the load (wsload.c) to CPU 1,
// interleaved rounds (every target once per round, order rotated), medians of per-round ratios,
// server CPU from /proc/<pid>/stat over the load's lifetime. See bench/ws/README.md.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { readFileSync } from 'node:fs'
import { cpuCount, groupPids, groupUsage, sleep, startServer, stopServer, tasksetPrefix, waitForPort, backgroundBusy, portFree, run } from '../lib/proc.mjs'
import { ensureNodeModules, systemInfo } from '../lib/setup.mjs'
import { printWsReport } from './report.mjs'
import { peerPath, unavailable, WS_SCENARIOS, WS_TARGETS } from './targets.mjs'

const BENCH = new URL('../', import.meta.url).pathname
const REPO = new URL('../../', import.meta.url).pathname
const WSLOAD = `${BENCH}.build/wsload`
const log = (s = '') => process.stdout.write(`${s}\n`)

const HELP = `usage: node bench/ws/run.mjs [options]
  --rounds N          interleaved rounds (default 3)
  --duration S        seconds of each measured run (default 3)
  --warmup S          echo warm-up after a server starts (default 1)
  --targets a,b       targets (default all): ${WS_TARGETS.map((t) => t.name).join(', ')}
  --scenarios a,b     scenarios (default all): ${WS_SCENARIOS.map((s) => s.name).join(', ')}, idle
  --idle N            idle connections for the memory figure (default 5000; 0 = skip)
  --port-base N       first port (default 24000)
  --out DIR           JSON record (default bench/results)`

function parseArgs(argv) {
  const o = { rounds: 3, durationS: 3, warmupS: 1, targets: null, scenarios: null, idle: 5000, portBase: 24000, out: `${BENCH}results` }
  for (let i = 0; i < argv.length; i++) {
    const next = () => argv[++i]
    switch (argv[i]) {
      case '--rounds': o.rounds = Number(next()); break
      case '--duration': o.durationS = Number(next()); break
      case '--warmup': o.warmupS = Number(next()); break
      case '--targets': o.targets = next().split(','); break
      case '--scenarios': o.scenarios = next().split(','); break
      case '--idle': o.idle = Number(next()); break
      case '--port-base': o.portBase = Number(next()); break
      case '--out': o.out = next(); break
      case '--help': log(HELP); process.exit(0)
      default: log(`unknown option ${argv[i]}\n${HELP}`); process.exit(2)
    }
  }
  return o
}

async function buildWsload() {
  mkdirSync(`${BENCH}.build`, { recursive: true })
  // with zlib for the compressed scenario; without it (no zlib.h / libz) that scenario is skipped
  const z = await run(['cc', '-O2', '-DWSLOAD_ZLIB', '-o', WSLOAD, `${BENCH}ws/wsload.c`, '-lz'], { timeoutMs: 60_000 })
  if (z.code === 0) return true
  const r = await run(['cc', '-O2', '-o', WSLOAD, `${BENCH}ws/wsload.c`], { timeoutMs: 60_000 })
  if (r.code !== 0) throw new Error(`cc wsload.c failed: ${r.stderr}`)
  return false
}

/** Runs wsload to completion pinned to the load CPU; returns its BENCHJSON. */
async function wsload(args, loadCpu, timeoutMs) {
  const r = await run([...tasksetPrefix(loadCpu), WSLOAD, ...args.map(String)], { timeoutMs })
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCHJSON '))
  if (!line) throw new Error(`wsload printed no result (exit ${r.code}): ${r.stderr.trim()}`)
  return JSON.parse(line.slice(10))
}

const errorsOf = (res) => Object.values(res.errors).reduce((a, b) => a + b, 0)

/** utime and stime ticks (/proc/<pid>/stat fields 14, 15) summed over a process group. */
function userSystemTicks(pgid) {
  let user = 0
  let system = 0
  for (const pid of groupPids(pgid)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      user += Number(f[11])
      system += Number(f[12])
    } catch {}
  }
  return { user, system }
}

/** One measured load: server CPU ticks (user and system) around the load generator's lifetime. */
async function measure(server, scenario, port, o, loadCpu) {
  const before = userSystemTicks(server.pid)
  const res = await wsload([scenario.mode, port, '/', scenario.conns, o.durationS, scenario.size, scenario.format], loadCpu, (o.durationS + 40) * 1000)
  const after = userSystemTicks(server.pid)
  const user = after.user - before.user
  const ticks = user + after.system - before.system
  const seconds = res.duration_us / 1e6
  const perMsg = (t) => (res.messages > 0 ? (t * 10_000) / res.messages : NaN)
  return {
    messages: res.messages,
    mps: seconds > 0 ? res.messages / seconds : NaN,
    cpuUsPerMsg: perMsg(ticks),
    userUsPerMsg: perMsg(user),
    cpuTicks: ticks,
    userTicks: user,
    rssMB: groupUsage(server.pid).rssMB,
    p50us: res.latency_us.p50,
    p99us: res.latency_us.p99,
    errors: errorsOf(res),
    errorDetail: res.errors,
    opened: res.opened,
  }
}

/** The median of 3 RSS readings 100 ms apart (MB). */
async function steadyRss(pgid) {
  const readings = []
  for (let i = 0; i < 3; i++) {
    if (i > 0) await sleep(100)
    readings.push(groupUsage(pgid).rssMB)
  }
  return readings.sort((a, b) => a - b)[1]
}

/** Memory per idle connection: RSS with n upgraded idle connections minus RSS before, ÷ n. */
async function idleMemory(server, port, n, loadCpu) {
  await sleep(1000)
  const before = await steadyRss(server.pid)
  const child = spawn(tasksetPrefix(loadCpu)[0] ?? WSLOAD, [...tasksetPrefix(loadCpu).slice(1), WSLOAD, 'idle', port, '/', n, 60].map(String), {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  const deadline = Date.now() + 30_000
  while (!/READY \d+/.test(out) && Date.now() < deadline && child.exitCode === null) await sleep(50)
  const opened = Number(/READY (\d+)/.exec(out)?.[1] ?? 0)
  await sleep(2000)
  const after = await steadyRss(server.pid)
  child.kill('SIGTERM')
  if (child.exitCode === null) await once(child, 'exit')
  return { n, opened, beforeMB: before, afterMB: after, kbPerConn: opened > 0 ? ((after - before) * 1024) / opened : NaN }
}

const scenarioNamed = (name) => WS_SCENARIOS.find((s) => s.name === name)

async function main() {
  const o = parseArgs(process.argv.slice(2))
  if (!(await ensureNodeModules(BENCH, log))) process.exit(2)
  if (!existsSync(`${BENCH}node_modules/ws/package.json`)) {
    // a bench/node_modules from before bench/ws: bring it up to package-lock.json
    log('bench/node_modules has no ws: npm ci --prefix bench …')
    const r = await run(['npm', 'ci', '--prefix', BENCH, '--no-audit', '--no-fund'], { timeoutMs: 600_000 })
    if (r.code !== 0) throw new Error(`npm ci failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`)
  }
  const withZlib = await buildWsload()
  const pin = cpuCount() >= 2
  const [serverCpu, loadCpu] = pin ? ['0', '1'] : [null, null]
  const targets = WS_TARGETS.filter((t) => !o.targets || o.targets.includes(t.name))
  const scenarios = WS_SCENARIOS.filter((s) => (!o.scenarios || o.scenarios.includes(s.name)) && (withZlib || !s.format.endsWith('-deflate')))
  if (!withZlib) log('wsload built without zlib (no zlib.h or libz): the compressed scenarios are skipped')
  const wantIdle = o.idle > 0 && (!o.scenarios || o.scenarios.includes('idle'))
  const meta = { started: new Date().toISOString(), options: o, system: await systemInfo(REPO), pinned: pin }
  const rounds = []
  const notes = []
  for (let r = 0; r < o.rounds; r++) {
    const shift = Math.floor(targets.length / Math.max(1, o.rounds)) * r
    const order = targets.map((_, i) => targets[(i + shift) % targets.length])
    const round = { round: r + 1, targets: {} }
    rounds.push(round)
    for (const [i, t] of order.entries()) {
      const why = unavailable(t)
      if (why) {
        if (r === 0) notes.push(`${t.name}: skipped, ${why}`)
        continue
      }
      const own = scenarios.filter((s) => s.kind === t.kind)
      if (own.length === 0 && !(wantIdle && t.kind === 'echo')) continue
      let port = o.portBase + 100 * r + i
      while (!(await portFree(port))) port++
      const busy = await backgroundBusy(500)
      const rec = { port, busy, scenarios: {}, idle: null }
      round.targets[t.name] = rec
      log(`round ${r + 1}/${o.rounds} · ${t.name} on :${port}${Math.max(...busy) > 10 ? ` (CPUs already ${busy.join('/')} % busy)` : ''}`)
      const server = startServer({ cmd: ['node', peerPath(t)], env: { ...t.env, PORT: String(port), NODE_ENV: 'production' }, cwd: BENCH, cpuList: serverCpu })
      try {
        await waitForPort(port, 10_000, () => server.child.exitCode === null)
        if (o.warmupS > 0) {
          const warm = {
            broadcast: { ...scenarioNamed('bcast-32'), conns: 100 },
            'broadcast-z': { ...scenarioNamed('bcast-16k-z'), conns: 100 },
            deflate: scenarioNamed('echo-16k-z'),
            echo: scenarioNamed('echo-32x50'),
          }[t.kind]
          await measure(server, warm, port, { ...o, durationS: o.warmupS }, loadCpu)
        }
        // idle first: after the warm-up (as bench/idle-memory.mjs), before 16 KiB loads grow the heap
        if (wantIdle && t.kind === 'echo') {
          rec.idle = await idleMemory(server, port, o.idle, loadCpu)
          log(`  idle: ${rec.idle.opened} connections, ${rec.idle.kbPerConn.toFixed(2)} KB each (RSS ${rec.idle.beforeMB.toFixed(1)} → ${rec.idle.afterMB.toFixed(1)} MB)`)
        }
        for (const s of own) {
          const res = await measure(server, s, port, o, loadCpu)
          rec.scenarios[s.name] = res
          log(`  ${s.name}: ${Math.round(res.mps).toLocaleString('en-US')} msg/s, ${res.cpuUsPerMsg.toFixed(2)} µs CPU/msg${res.errors ? `, ${res.errors} errors ${JSON.stringify(res.errorDetail)}` : ''}`)
          if (res.errors) notes.push(`round ${r + 1} ${t.name} ${s.name}: ${res.errors} errors ${JSON.stringify(res.errorDetail)} (excluded)`)
        }
      } catch (err) {
        notes.push(`round ${r + 1} ${t.name}: ${err.message}; output: ${server.output().slice(-500)}`)
        log(`  failed: ${err.message}`)
      } finally {
        await stopServer(server)
      }
    }
  }
  const summary = printWsReport({ rounds, targets, scenarios, wantIdle, notes, log })
  mkdirSync(o.out, { recursive: true })
  const file = `${o.out}/ws-${meta.started.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`
  writeFileSync(file, `${JSON.stringify({ meta, rounds, summary, notes }, (k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`)
  log(`\nrecord: ${file}`)
}

await main()
