// bench/ws tables: per scenario (messages/s and server CPU per message, ratios to the reference
// measured in the same round), idle memory, and issue 14's goals.
import { table } from '../lib/report.mjs'
import { median, spread } from '../lib/stats.mjs'
import { WS_GOALS } from './targets.mjs'

const num = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '–')
const times = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–')
const pct = (x) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : '–')

/** A run counts when it exists and had no error (nobody wins by answering wrong). */
const good = (round, target, sc) => {
  const r = round.targets[target]?.scenarios?.[sc]
  return r && r.errors === 0 && r.messages > 0 ? r : undefined
}

const METRICS = {
  mps: (r) => r.mps,
  cpu: (r) => r.cpuUsPerMsg,
  user: (r) => r.userUsPerMsg,
}

/** Median over rounds of target ÷ other, both measured in the same round. */
export function wsRatio(rounds, sc, target, other, metric) {
  const per = []
  for (const round of rounds) {
    if (sc === 'idle') {
      const a = round.targets[target]?.idle
      const b = round.targets[other]?.idle
      if (a && b && a.opened === a.n && b.opened === b.n && b.kbPerConn > 0) per.push(a.kbPerConn / b.kbPerConn)
      continue
    }
    const a = good(round, target, sc)
    const b = good(round, other, sc)
    if (a && b && METRICS[metric](b) > 0) per.push(METRICS[metric](a) / METRICS[metric](b))
  }
  return { ratio: median(per), perRound: per }
}

/** Prints every table; returns the summary for the JSON record. */
export function printWsReport({ rounds, targets, scenarios, wantIdle, notes, log }) {
  const summary = { scenarios: {}, idle: {}, goals: [] }
  for (const s of scenarios) {
    const ref = { echo: 'ws', deflate: 'ws-z', broadcast: 'ours-loop', 'broadcast-z': 'ours-loop-z' }[s.kind]
    const wsLoop = { broadcast: 'ws-loop', 'broadcast-z': 'ws-loop-z' }[s.kind]
    const rows = []
    for (const t of targets.filter((x) => x.kind === s.kind)) {
      const runs = rounds.map((r) => good(r, t.name, s.name)).filter(Boolean)
      if (runs.length === 0) continue
      const mps = median(runs.map((r) => r.mps))
      const cpu = median(runs.map((r) => r.cpuUsPerMsg))
      const rm = wsRatio(rounds, s.name, t.name, ref, 'mps').ratio
      const rc = wsRatio(rounds, s.name, t.name, ref, 'cpu').ratio
      const rcWs = wsLoop ? wsRatio(rounds, s.name, t.name, wsLoop, 'cpu').ratio : NaN
      const user = median(runs.map((r) => r.userUsPerMsg))
      const ru = wsRatio(rounds, s.name, t.name, ref, 'user').ratio
      summary.scenarios[`${s.name}/${t.name}`] = { mps, cpuUsPerMsg: cpu, userUsPerMsg: user, mpsRatio: rm, cpuRatio: rc, userRatio: ru, rounds: runs.length }
      rows.push([
        t.name,
        num(mps),
        pct(spread(runs.map((r) => r.mps))),
        times(rm),
        num(cpu, 2),
        times(rc),
        ...(wsLoop ? [times(rcWs)] : []),
        num(user, 2),
        times(ru),
        `${num(median(runs.map((r) => r.p50us)))} / ${num(median(runs.map((r) => r.p99us)))}`,
        num(median(runs.map((r) => r.rssMB)), 1),
        `${runs.length}/${rounds.length}`,
      ])
    }
    const unit = wsLoop ? 'broadcasts' : 'round trips'
    log(`\n### ${s.name}: ${s.what} (one message = one of the ${unit})\n`)
    if (rows.length === 0) {
      log('no target measured without errors (see the notes)')
      continue
    }
    log(
      table(
        ['target', `>${unit}/s`, '>spread', `>× ${ref}`, '>server CPU µs/msg', `>CPU × ${ref}`, ...(wsLoop ? [`>CPU × ${wsLoop}`] : []), '>user CPU µs/msg', `>user × ${ref}`, '>p50 / p99 µs', '>RSS MB', '>rounds'],
        rows,
      ),
    )
  }
  if (wantIdle) {
    const rows = []
    for (const t of targets.filter((x) => x.kind === 'echo')) {
      const idles = rounds.map((r) => r.targets[t.name]?.idle).filter((x) => x && x.opened === x.n)
      if (idles.length === 0) continue
      const kb = median(idles.map((x) => x.kbPerConn))
      const ratio = wsRatio(rounds, 'idle', t.name, 'ws').ratio
      summary.idle[t.name] = { kbPerConn: kb, ratio }
      rows.push([t.name, num(idles[0].n), num(kb, 2), times(ratio), num(median(idles.map((x) => x.beforeMB)), 1), num(median(idles.map((x) => x.afterMB)), 1)])
    }
    log('\n### idle: memory per idle upgraded connection (RSS with them − RSS before, ÷ count)\n')
    log(table(['target', '>connections', '>KB / connection', '>× ws', '>RSS before MB', '>RSS after MB'], rows))
  }
  const goalRows = []
  for (const g of WS_GOALS) {
    if (g.scenario !== 'idle' && !scenarios.some((s) => s.name === g.scenario)) continue
    if (g.scenario === 'idle' && !wantIdle) continue
    const { ratio, perRound } = wsRatio(rounds, g.scenario, g.target, g.vs, g.metric)
    const pass = g.info || !Number.isFinite(ratio) ? null : g.op === '≤' ? ratio <= g.limit : ratio >= g.limit
    summary.goals.push({ ...g, ratio, perRound, pass })
    const verdict = g.info ? 'info' : pass === null ? 'n/a' : pass ? 'yes' : 'NO'
    goalRows.push([g.scenario, `${g.target} ${g.what}`, times(ratio), perRound.map((x) => x.toFixed(2)).join(', ') || '–', verdict])
  }
  log('\n### issue 14 goals (median of per-round ratios)\n')
  log(table(['scenario', 'goal', '>ratio', 'per round', 'pass'], goalRows))
  if (notes.length) log(`\nnotes:\n${notes.map((n) => `- ${n}`).join('\n')}`)
  return summary
}
