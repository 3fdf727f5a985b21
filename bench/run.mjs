#!/usr/bin/env node
// tinyhttp benchmark: every target × every scenario, pinned, interleaved
// rounds, verified before measuring. See bench/README.md.
//
//   node bench/run.mjs [--quick] [--rounds N] [--duration S] [--targets a,b] [--scenarios a,b]
//   node bench/run.mjs --compression      (issue 11: compressed vs identity, bench/fixtures/public-z)
//   node bench/run.mjs --rules            (issue 12: 200 header rules + 200 redirects + --cache spa vs none)
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { COMPRESSION_DIR, FIXTURES_DIR, RULES_DIR, makeCompressionFixtures, makeFixtures, makeRulesFixtures } from './fixtures/make.mjs'
import { printCompressionReport } from './lib/compression-report.mjs'
import {
  CLK_TCK,
  backgroundBusy,
  busyPercent,
  cpuCount,
  cpuPercent,
  cpuTimes,
  groupPids,
  groupUsage,
  portFree,
  run,
  sampleRss,
  sleep,
  startServer,
  stopServer,
  waitForPort,
} from './lib/proc.mjs'
import { compareBaseline, printReport, writeJson } from './lib/report.mjs'
import { ensureBinary, ensureNodeModules, systemInfo, which } from './lib/setup.mjs'
import { summarize } from './lib/stats.mjs'
import { REFERENCE, TARGETS, compressionTargets, defaultTargets, rulesTargets, targetByName, unavailable } from './lib/targets.mjs'
import { printRulesReport } from './lib/rules-report.mjs'
import { verifyEncodings } from './lib/verify-encodings.mjs'
import { verifyTarget } from './lib/verify.mjs'
import { SCENARIOS, buildHeadload, compressionScenarios, defaultScenarios, rulesScenarios, runLoad, scenarioByName, scenarioSkip } from './lib/wrk.mjs'

const BENCH = fileURLToPath(new URL('./', import.meta.url))
const REPO = fileURLToPath(new URL('../', import.meta.url))
const log = (s = '') => process.stdout.write(`${s}\n`)

const HELP = `Usage: node bench/run.mjs [options]      (pnpm bench)

  --quick               1 round, 2 s runs, 1 s warm-up (a quick look)
  --compression         the compression run: its targets and scenarios (${compressionScenarios().map((s) => s.name).join(',')})
  --rules               the rules run: scenario rules on the targets with and without rules (issue 12: ≤ 1.05×)
                        on bench/fixtures/public-z, each target's encodings verified first
  --rounds N            interleaved rounds (default 3)
  --duration S          seconds per measured run (default 6)
  --warmup S            keep-alive warm-up after start (default 3)
  --scenario-warmup S   warm-up before each other scenario (default 1; 0 with --quick)
  --targets a,b,c       targets to run (default: all; node-http-mem is always added)
  --scenarios a,b       scenarios to run (default: ${defaultScenarios().map((s) => s.name).join(',')})
  --port-base N         first port (default 20000; ports differ per round)
  --wait-idle S         before each target, wait up to S s for the CPUs to be idle (default 0)
  --no-install          never run apt-get / npm ci
  --out DIR             where the JSON goes (default bench/results)
  --baseline FILE       a JSON record of an earlier run: print ours before/after (CPU µs/req)
  --list                list targets and scenarios
  -h, --help`

function parseArgs(argv) {
  const o = {
    rounds: 3,
    durationS: 6,
    warmupS: 3,
    scenarioWarmupS: 1,
    targets: null,
    scenarios: null,
    portBase: 20000,
    waitIdleS: 0,
    install: true,
    out: join(BENCH, 'results'),
    baseline: null,
    quick: false,
    compression: false,
    rules: false,
  }
  const explicit = new Set()
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined]
    const val = () => {
      const v = inline ?? argv[++i]
      if (v === undefined) die(`${flag} needs a value`)
      return v
    }
    const int = (min) => {
      const n = Number(val())
      if (!Number.isInteger(n) || n < min) die(`${flag} needs an integer ≥ ${min}`)
      return n
    }
    switch (flag) {
      case '--quick': o.quick = true; break
      case '--compression': o.compression = true; break
      case '--rules': o.rules = true; break
      case '--rounds': o.rounds = int(1); explicit.add('rounds'); break
      case '--duration': o.durationS = int(1); explicit.add('duration'); break
      case '--warmup': o.warmupS = int(0); explicit.add('warmup'); break
      case '--scenario-warmup': o.scenarioWarmupS = int(0); explicit.add('swarmup'); break
      case '--targets': o.targets = val().split(',').map((s) => s.trim()).filter(Boolean); break
      case '--scenarios': o.scenarios = val().split(',').map((s) => s.trim()).filter(Boolean); break
      case '--port-base': o.portBase = int(1024); break
      case '--wait-idle': o.waitIdleS = int(0); break
      case '--no-install': o.install = false; break
      case '--out': o.out = val(); break
      case '--baseline': o.baseline = val(); break
      case '--list': o.list = true; break
      case '-h': case '--help': log(HELP); process.exit(0)
      default: die(`unknown option ${a}\n\n${HELP}`)
    }
  }
  if (o.quick) {
    if (!explicit.has('rounds')) o.rounds = 1
    if (!explicit.has('duration')) o.durationS = 2
    if (!explicit.has('warmup')) o.warmupS = 1
    if (!explicit.has('swarmup')) o.scenarioWarmupS = 0
  }
  return o
}

function die(msg, code = 2) {
  process.stderr.write(`bench: ${msg}\n`)
  process.exit(code)
}

/** Current server, stopped on Ctrl-C. */
let current = null
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    log(`\n${sig}: stopping…`)
    if (current) await stopServer(current, 2000)
    process.exit(130)
  })
}

async function pickPort(start) {
  for (let p = start; p < start + 100; p++) if (await portFree(p)) return p
  throw new Error(`no free port in ${start}..${start + 99}`)
}

const fmtRate = (r) => `${Math.round(r.rps).toLocaleString('en-US').padStart(9)} req/s ${r.mbps.toFixed(1).padStart(8)} MB/s`

/**
 * Starts, verifies and measures one target in one round.
 * @returns {Promise<object>} the round's record for this target
 */
async function runTarget(t, port, o, ctx) {
  const rec = { port, mode: t.mode, verdict: null, idleRssMB: NaN, scenarios: {}, skipped: {}, backgroundBusy: null }
  // CPU used by others while nothing of ours runs: a busy machine makes numbers noisy.
  // With --wait-idle S, wait up to S seconds for both CPUs to be ≤ 10 % busy.
  const idleBy = Date.now() + o.waitIdleS * 1000
  do rec.backgroundBusy = await backgroundBusy(500)
  while (Math.max(...rec.backgroundBusy) > 10 && Date.now() < idleBy)
  if (Math.max(...rec.backgroundBusy) > 10) log(`  warning: CPUs already busy ${rec.backgroundBusy.join('/')} % before start (other processes): numbers will be low and noisy`)
  const cpuList = ctx.pin ? (t.mode === 'pin' ? '0' : ctx.allCpus) : null
  const wrkCpus = ctx.pin ? (t.mode === 'pin' ? '1' : ctx.allCpus) : null
  const server = startServer({
    cmd: t.cmd,
    env: { ...t.env, PORT: String(port), ROOT: ctx.root, ...(ctx.rulesRoot ? { RULES_ROOT: ctx.rulesRoot } : {}), NODE_ENV: 'production' },
    cwd: BENCH,
    cpuList,
  })
  current = server
  const fail = (why) => {
    rec.verdict = { ok: false, failures: [why], notes: [], etag: null, supports304: false }
    rec.scenarios = {}
    log(`  FAILED: ${why}`)
    return rec
  }
  try {
    if (!(await waitForPort(port, 10_000, server.isRunning))) {
      await sleep(100)
      const tail = server.output().split('\n').slice(-5).join(' | ')
      return fail(`${server.isRunning() ? 'did not listen within 10 s' : 'exited before listening'}${tail ? `: ${tail}` : ''}`)
    }
    await sleep(300)
    const verdict = await verifyTarget(port, ctx.files, { indexOnly: t.indexOnly })
    if (ctx.compression && !t.indexOnly) {
      // Compressed answers decode to the file; identity where a target should compress is not timed.
      const enc = await verifyEncodings(port, ctx.files, { expect: t.compression ?? null })
      verdict.encodings = enc
      verdict.failures.push(...enc.failures)
      verdict.notes.push(...enc.notes)
      verdict.ok = verdict.failures.length === 0
      const codings = Object.entries(enc.coding).map(([p, c]) => `${p} ${c}`).join(', ')
      log(`  encodings: ${codings || '–'}${Object.keys(enc.notTimed).length ? `; NOT TIMED (identity where it should compress): ${Object.keys(enc.notTimed).join(', ')}` : ''}`)
    }
    rec.verdict = verdict
    rec.idleRssMB = groupUsage(server.pid).rssMB
    if (!verdict.ok) {
      log(`  verification FAILED — no numbers this round:`)
      for (const f of verdict.failures) log(`    - ${f}`)
      return rec
    }
    log(`  verified: ok${verdict.supports304 ? ', 304' : ', no 304'}${verdict.notes.length ? ` (${verdict.notes.join('; ')})` : ''}; idle RSS ${rec.idleRssMB.toFixed(1)} MB`)
    if (o.warmupS > 0) await runLoad(ctx.warmup, { port, durationS: o.warmupS, cpuList: wrkCpus })
    for (const s of ctx.scenarios) {
      const skip = scenarioSkip(s, t, verdict)
      if (skip) {
        rec.skipped[s.name] = skip
        continue
      }
      const load = { port, durationS: o.durationS, etag: verdict.etag, cpuList: wrkCpus }
      if (o.scenarioWarmupS > 0 && s !== ctx.warmup) await runLoad(s, { ...load, durationS: o.scenarioWarmupS })
      // Server CPU over the load's window: read right before the load generator starts and
      // right after it exits (its own start-up and exit, a few ms, are inside the window; the
      // server is idle then). Same pids at both ends, so the second read costs nothing extra.
      const pids = groupPids(server.pid)
      const sampler = sampleRss(server.pid, 200)
      const c0 = cpuTimes()
      const t0 = Date.now()
      const u0 = groupUsage(server.pid, pids)
      const r = await runLoad(s, load)
      const u1 = groupUsage(server.pid, pids)
      const wall = Date.now() - t0
      const { peakMB } = sampler.stop()
      if (!server.isRunning()) return fail(`server exited during ${s.name}: ${server.output().split('\n').slice(-3).join(' | ')}`)
      const cpuTicks = u1.cpuTicks - u0.cpuTicks
      rec.scenarios[s.name] = {
        ...r,
        cpuTicks,
        cpuS: cpuTicks / CLK_TCK,
        cpuWindowS: wall / 1000,
        cpuUsPerReq: r.requests > 0 ? (cpuTicks / CLK_TCK / r.requests) * 1e6 : NaN,
        peakRssMB: peakMB,
        srvCpu: cpuPercent(cpuTicks, wall),
        busy: busyPercent(c0, cpuTimes()),
      }
      const p99 = s.depth ? '   n/m' : r.p99ms.toFixed(2).padStart(6)
      const cpuUs = rec.scenarios[s.name].cpuUsPerReq
      log(`  ${s.name.padEnd(ctx.compression ? 11 : 5)} ${cpuUs.toFixed(2).padStart(7)} µs CPU/req ${fmtRate(r)}  p99 ${p99} ms  RSS ${peakMB.toFixed(1).padStart(6)} MB${r.errors ? `  errors ${r.errors} ${JSON.stringify(r.errorDetail)}` : ''}`)
    }
    return rec
  } catch (e) {
    return fail(e.message)
  } finally {
    await stopServer(server)
    current = null
    t.cleanup?.(port)
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2))
  let baseline = null
  if (o.baseline) {
    try {
      baseline = JSON.parse(readFileSync(o.baseline, 'utf8'))
    } catch (e) {
      die(`--baseline ${o.baseline}: ${e.message}`)
    }
  }
  if (o.list) {
    const runs = (t) =>
      [t.compressionOnly || t.onlyWithFree || t.rulesOnly ? null : 'default', t.compression !== undefined ? 'compression' : null, t.rules ? 'rules' : null].filter(Boolean).join('+')
    log('targets (run):')
    for (const t of TARGETS) log(`  ${t.name.padEnd(19)} ${t.mode}  ${runs(t).padEnd(19)} ${t.desc}`)
    log('scenarios:')
    for (const s of SCENARIOS) log(`  ${s.name.padEnd(11)} ${s.suite ? `(--${s.suite}) ` : ''}${s.title}`)
    return
  }

  // which targets and scenarios
  const known = new Set(TARGETS.map((t) => t.name))
  for (const n of o.targets ?? []) if (!known.has(n)) die(`unknown target ${n} (known: ${[...known].join(', ')})`)
  for (const n of o.scenarios ?? []) if (!scenarioByName(n)) die(`unknown scenario ${n} (known: ${SCENARIOS.map((s) => s.name).join(', ')})`)
  const scenarios = o.scenarios
    ? SCENARIOS.filter((s) => o.scenarios.includes(s.name))
    : o.compression
      ? compressionScenarios()
      : o.rules
        ? rulesScenarios()
        : defaultScenarios()
  // A compression scenario needs the compression fixtures (they include the default run's files too).
  const compression = o.compression || scenarios.some((s) => s.suite === 'compression')
  // The rules run (issue 12): its scenario on its targets, the rule files in a root of their own.
  const rulesRun = o.rules || scenarios.some((s) => s.suite === 'rules')
  let wanted = o.targets ? TARGETS.filter((t) => o.targets.includes(t.name)) : compression ? compressionTargets() : rulesRun ? rulesTargets() : defaultTargets()
  if (!wanted.some((t) => t.name === REFERENCE.pin)) {
    log(`note: adding ${REFERENCE.pin}, the reference every ratio is divided by`)
    wanted.unshift(targetByName(REFERENCE.pin))
  }

  // tools
  const say = (s) => log(`setup: ${s}`)
  if (!which('wrk') && o.install) await ensureBinary('wrk', 'wrk', say)
  if (!which('wrk')) die('wrk is required and missing. Install it with:\n  sudo apt-get update && sudo apt-get install -y wrk', 2)
  if (wanted.some((t) => t.npm) && o.install) await ensureNodeModules(BENCH, say)
  if (wanted.some((t) => t.bin === 'nginx') && o.install) await ensureBinary('nginx', 'nginx-light', say)
  if (scenarios.some((s) => s.tool === 'headload')) {
    const err = await buildHeadload()
    if (err) say(`head scenario unavailable: ${err}`)
  }

  const ctx0 = { repo: REPO, bench: BENCH, which }
  const targets = []
  for (const t of wanted) {
    const why = unavailable(t, ctx0)
    if (why) log(`skip ${t.name}: ${why}`)
    else targets.push(t)
  }
  if (!o.targets && targets.some((t) => t.mode === 'free')) targets.push(targetByName(REFERENCE.free))
  if (o.targets && targets.some((t) => t.mode === 'free') && !targets.some((t) => t.name === REFERENCE.free)) {
    log(`note: adding ${REFERENCE.free}, the reference for unpinned targets`)
    targets.push(targetByName(REFERENCE.free))
  }
  if (targets.length === 0) die('no target can run', 1)

  // fixtures, pinning
  const root = compression ? COMPRESSION_DIR : FIXTURES_DIR
  const fixtureInfo = compression ? makeCompressionFixtures(root) : makeFixtures(root)
  const files = Object.fromEntries(Object.keys(fixtureInfo).map((n) => [n, readFileSync(join(root, n))]))
  const rulesRoot = rulesRun ? (makeRulesFixtures(RULES_DIR), RULES_DIR) : null
  const ncpu = cpuCount()
  const pin = ncpu >= 2
  const allCpus = `0-${ncpu - 1}`
  if (pin) {
    // The harness itself (verification, RSS sampling) shares CPU 1 with wrk, away from the server.
    await run(['taskset', '-a', '-cp', '1', String(process.pid)], { timeoutMs: 5000 })
  } else {
    log('warning: fewer than 2 CPUs: nothing is pinned, server and wrk share the CPU')
  }

  const perTarget = o.warmupS + scenarios.length * (o.durationS + o.scenarioWarmupS) + (compression ? 4 : 2)
  const estimate = Math.round((perTarget * targets.length * o.rounds) / 60)
  log(`targets: ${targets.map((t) => t.name).join(', ')}`)
  log(`scenarios: ${scenarios.map((s) => s.name).join(', ')}`)
  log(`${o.rounds} round(s), ${o.durationS} s runs, warm-up ${o.warmupS} s + ${o.scenarioWarmupS} s/scenario, ${pin ? 'server on CPU 0, load on CPU 1' : 'unpinned'}; about ${estimate} min`)

  const meta = {
    started: new Date().toISOString(),
    rounds: o.rounds,
    durationS: o.durationS,
    warmupS: o.warmupS,
    scenarioWarmupS: o.scenarioWarmupS,
    waitIdleS: o.waitIdleS,
    quick: o.quick,
    compression,
    root,
    pinned: pin,
    argv: process.argv.slice(2),
    system: await systemInfo(REPO),
  }
  // warm-up load: the page (compressed in the compression run: ours makes its variants then)
  const warmup = compression ? scenarioByName('html-z') : scenarioByName('ka')
  const ctx = { files, scenarios, pin, allCpus, root, rulesRoot, compression, warmup }
  const rounds = []
  const step = Math.max(1, Math.floor(targets.length / o.rounds))
  for (let r = 0; r < o.rounds; r++) {
    const k = (r * step) % targets.length
    const order = [...targets.slice(k), ...targets.slice(0, k)]
    const round = { round: r + 1, order: order.map((t) => t.name), targets: {} }
    for (let i = 0; i < order.length; i++) {
      const t = order[i]
      const port = await pickPort(o.portBase + r * 100 + i)
      log(`\n[round ${r + 1}/${o.rounds}] ${t.name}@${t.mode} on 127.0.0.1:${port}`)
      round.targets[t.name] = await runTarget(t, port, o, ctx)
    }
    rounds.push(round)
  }

  // notes: verification failures, skipped scenarios, errors
  const notes = {}
  for (const t of targets) {
    const n = (notes[t.name] = [])
    for (const round of rounds) {
      const rec = round.targets[t.name]
      if (!rec?.verdict) continue
      if (rec.backgroundBusy && Math.max(...rec.backgroundBusy) > 10) n.push(`round ${round.round}: CPUs ${rec.backgroundBusy.join('/')} % busy with other processes before start`)
      if (!rec.verdict.ok) n.push(`round ${round.round}: FAILED ${rec.verdict.failures.join('; ')}`)
      n.push(...rec.verdict.notes)
      for (const [s, why] of Object.entries(rec.skipped)) n.push(`no numbers for ${s}: ${why}`)
      for (const [s, res] of Object.entries(rec.scenarios)) if (res.errors) n.push(`round ${round.round} ${s}: ${res.errors} errors ${JSON.stringify(res.errorDetail)}`)
    }
  }

  const summary = summarize(rounds, targets, scenarios)
  meta.finished = new Date().toISOString()
  printReport({ rounds, summary, targets, scenarios, meta, notes, baseline })
  const z = compression ? printCompressionReport({ rounds, summary, targets, scenarios, log }) : null
  const rulesVerdict = rulesRun ? printRulesReport({ rounds, log }) : null
  const file = writeJson(o.out, {
    meta,
    fixtures: Object.fromEntries(Object.entries(fixtureInfo).map(([k, v]) => [k, { size: v.size, sha256: v.sha256 }])),
    targets: targets.map(({ name, desc, mode, cmd, indexOnly, ours, compression }) => ({ name, desc, mode, cmd, indexOnly: !!indexOnly, ours: !!ours, compression })),
    scenarios,
    rounds,
    summary,
    notes,
    ...(z ? { compression: z } : {}),
    ...(rulesVerdict ? { rules: rulesVerdict } : {}),
    ...(baseline
      ? { baseline: { file: o.baseline, started: baseline.meta?.started ?? null, commit: baseline.meta?.system?.commit ?? null, comparison: compareBaseline(baseline, summary, targets.filter((t) => t.ours), scenarios) } }
      : {}),
  })
  log(`\nJSON: ${file}`)
  const refOk = rounds.some((r) => r.targets[REFERENCE.pin]?.verdict?.ok)
  if (!refOk) die(`${REFERENCE.pin} was never measured: no ratios`, 1)
}

main().catch((e) => {
  process.stderr.write(`bench: ${e.stack ?? e}\n`)
  if (current) stopServer(current, 2000).finally(() => process.exit(1))
  else process.exit(1)
})
