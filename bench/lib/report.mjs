// Terminal tables (one per scenario, an overview of ratios, goal checks for
// our targets, notes) and the JSON file in bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cpuOf, median, metricOf, ratioTo } from './stats.mjs'
import { REFERENCE, referenceFor } from './targets.mjs'
import { describeLoad } from './wrk.mjs'

const num = (x, d = 0) =>
  Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '–'
const pct = (x) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : '–')
const ratio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–')

/** Renders rows as a Markdown table; columns whose header starts with '>' are right-aligned. */
export function table(headers, rows) {
  const right = headers.map((h) => h.startsWith('>'))
  const hs = headers.map((h) => h.replace(/^>/, ''))
  const w = hs.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)))
  const line = (cells) => `| ${cells.map((c, i) => (right[i] ? String(c).padStart(w[i]) : String(c).padEnd(w[i]))).join(' | ')} |`
  const sep = `|${w.map((x, i) => (right[i] ? `${'-'.repeat(x + 1)}:` : '-'.repeat(x + 2))).join('|')}|`
  return [line(hs), sep, ...rows.map(line)].join('\n')
}

/**
 * Goals from issue 10, in server CPU µs per request (lower is better): ours ÷ other
 * (medians over rounds of the per-round ratio) must be ≤ max. `own ka`: our own
 * keep-alive 200 in the same round (a 304 must cost no more than the 200).
 */
export const GOALS = [
  { scenario: 'ka', vs: 'raw-net', max: 1.1 },
  { scenario: 'ka', vs: 'nginx-ofc', max: 1.0 },
  { scenario: 'pipe', vs: 'raw-net', max: 2.0 },
  { scenario: 'close', vs: 'raw-net', max: 1.0 },
  { scenario: 'cond', vs: 'own ka', max: 1.0 },
  { scenario: 'cond', vs: 'ref', max: 0.67 },
  { scenario: 'cond', vs: 'nginx-ofc', max: 1.5 },
  { rss: true, vs: 'ref', plusMB: 10 },
]

/**
 * Evaluates GOALS for one target.
 * @returns {{ goal: string, value: string, pass: boolean|null }[]}
 */
export function checkGoals(target, rounds, summary, scenarios, measured) {
  const ref = referenceFor(target, measured)
  const out = []
  for (const g of GOALS) {
    const other = g.vs === 'ref' ? ref : g.vs
    if (g.rss) {
      const mine = summary[target.name]?.peakRssMB
      const theirs = summary[other]?.peakRssMB
      const ok = Number.isFinite(mine) && Number.isFinite(theirs) ? mine <= theirs + g.plusMB : null
      out.push({ goal: `peak RSS ≤ ${other} + ${g.plusMB} MB`, value: `${num(mine, 1)} vs ${num(theirs, 1)} MB`, pass: ok })
      continue
    }
    const s = scenarios.find((x) => x.name === g.scenario)
    if (!s) continue
    let r
    let vsUs
    if (g.vs === 'own ka') {
      const per = []
      for (const round of rounds) {
        const a = round.targets[target.name]?.scenarios?.[s.name]
        const b = round.targets[target.name]?.scenarios?.ka
        if (a && b && b.cpuUsPerReq > 0) per.push(a.cpuUsPerReq / b.cpuUsPerReq)
      }
      r = median(per)
      vsUs = summary[target.name]?.scenarios?.ka?.cpuUsPerReq
    } else {
      r = ratioTo(rounds, s, target.name, other, cpuOf).ratio
      vsUs = summary[other]?.scenarios?.[s.name]?.cpuUsPerReq
    }
    const mine = summary[target.name]?.scenarios?.[s.name]?.cpuUsPerReq
    const against = g.vs === 'own ka' ? `own ka (the 200)` : other
    out.push({
      goal: `${s.name} CPU/req ≤ ${g.max}× ${against}`,
      value: `${ratio(r)} (${num(mine, 2)} vs ${num(vsUs, 2)} µs)`,
      pass: Number.isFinite(r) ? r <= g.max : null,
    })
  }
  return out
}

/** Ratio cell of a CPU figure against `other` ('–' when other did not run that scenario). */
const cpuRatioCell = (c, other) => ratio(c.cpuRatio?.[other])

/**
 * Prints everything to the terminal.
 * @param {{ rounds: object[], summary: object, targets: object[], scenarios: object[], meta: object, notes: Record<string,string[]>, baseline?: object }} o
 */
export function printReport({ rounds, summary, targets, scenarios, meta, notes, baseline }) {
  const log = (s = '') => process.stdout.write(`${s}\n`)
  const measured = new Set(Object.keys(summary).filter((n) => Object.keys(summary[n].scenarios).length))
  const shown = targets.filter((t) => measured.has(t.name))
  const ref = REFERENCE.pin
  log()
  log(`## Results: ${meta.rounds} round(s) × ${meta.durationS} s, medians over rounds`)
  log()
  log('CPU µs/req = server CPU time (utime+stime of its process group, /proc/<pid>/stat) over the measured')
  log('run ÷ requests completed in it; lower is better. × X = this ÷ X in the same round, median over rounds.')
  log(`req/s ratio = this ÷ ${ref} (MB/s for mid/big). Free-mode targets are divided by node-http-mem-free`)
  log('when it ran. p99 under pipelining: n/m.')

  // overview: the headline
  log()
  log(`### Overview: server CPU µs per request (× ${ref} / × raw-net)`)
  log()
  const cpuRows = shown.map((t) => {
    const sm = summary[t.name]
    return [
      `${t.name}@${t.mode}`,
      ...scenarios.map((s) => {
        const c = sm.scenarios[s.name]
        if (!c) return 'n/a'
        const raw = c.cpuRatio?.['raw-net']
        return `${num(c.cpuUsPerReq, 2)} (${ratio(c.cpuRatio?.[sm.reference])}${Number.isFinite(raw) ? ` / ${ratio(raw)}` : ''})`
      }),
    ]
  })
  log(table(['target', ...scenarios.map((s) => `>${s.name}`)], cpuRows))

  log()
  log('### Overview: throughput (req/s, MB/s for mid/big; ratio to the reference)')
  log()
  const ovRows = shown.map((t) => {
    const sm = summary[t.name]
    return [
      `${t.name}@${t.mode}`,
      ...scenarios.map((s) => {
        const c = sm.scenarios[s.name]
        if (!c) return 'n/a'
        return `${num(metricOf(s, c), 0)} (${ratio(c.ratio)})`
      }),
      num(sm.idleRssMB, 1),
      num(sm.peakRssMB, 1),
    ]
  })
  log(table(['target', ...scenarios.map((s) => `>${s.name}${s.throughput ? ' MB/s' : ''}`), '>idle RSS MB', '>peak RSS MB'], ovRows))

  for (const s of scenarios) {
    log()
    log(`### ${s.name}: ${s.title}`)
    log()
    log(describeLoad(s))
    log()
    const rows = shown
      .filter((t) => summary[t.name].scenarios[s.name])
      .map((t) => {
        const c = summary[t.name].scenarios[s.name]
        return [
          `${t.name}@${t.mode}`,
          num(c.cpuUsPerReq, 2),
          pct(c.cpuUsSpread),
          cpuRatioCell(c, summary[t.name].reference),
          cpuRatioCell(c, 'raw-net'),
          num(c.rps),
          pct(c.rpsSpread),
          ratio(c.ratio),
          num(c.mbps, 1),
          s.depth ? 'n/m' : num(c.p50ms, 2),
          s.depth ? 'n/m' : num(c.p99ms, 2),
          num(c.srvCpu),
          c.busy.map((b) => num(b)).join('/'),
          num(c.peakRssMB, 1),
          c.errors,
          c.rounds,
        ]
      })
    if (rows.length === 0) {
      log('(no target measured)')
      continue
    }
    log(
      table(
        ['target', '>CPU µs/req', '>spread', `>× ${ref}`, '>× raw-net', '>req/s', '>spread', '>req/s ratio', '>MB/s', '>p50 ms', '>p99 ms', '>srv CPU%', '>busy c0/c1 %', '>peak RSS MB', '>errors', '>n'],
        rows,
      ),
    )
  }

  const ours = targets.filter((t) => t.ours && measured.has(t.name))
  if (ours.length) {
    log()
    log('### Goals (issue 10: server CPU µs per request, lower is better)')
    for (const t of ours) {
      log()
      log(`${t.name}@${t.mode}:`)
      log()
      const g = checkGoals(t, rounds, summary, scenarios, measured)
      log(table(['goal', '>value', 'pass'], g.map((x) => [x.goal, x.value, x.pass === null ? 'n/a' : x.pass ? 'yes' : 'NO'])))
    }
  }

  if (baseline) printBaseline(log, baseline, summary, ours, scenarios)

  const noteLines = Object.entries(notes).filter(([, v]) => v.length)
  if (noteLines.length) {
    log()
    log('### Notes (verification, skipped scenarios, errors)')
    log()
    for (const [name, v] of noteLines) log(`- **${name}**: ${[...new Set(v)].join('; ')}`)
  }
}

/** Tolerance of the "nothing slower than the baseline" check: differences under ~10 % are noise. */
export const BASELINE_TOLERANCE = 0.1

/**
 * Compares our targets with a baseline run (an earlier JSON record): CPU µs per request as a
 * ratio to node-http-mem of the same run, so machine speed and load cancel out. A scenario is
 * slower when its ratio grew by more than BASELINE_TOLERANCE.
 * @returns {{ target: string, scenario: string, before: number, after: number, change: number, pass: boolean|null }[]}
 */
export function compareBaseline(baseline, summary, ours, scenarios) {
  const out = []
  for (const t of ours) {
    const before = baseline.summary?.[t.name]
    const after = summary[t.name]
    if (!before || !after) continue
    for (const s of scenarios) {
      const b = before.scenarios?.[s.name]
      const a = after.scenarios?.[s.name]
      if (!a && !b) continue
      const rb = b?.cpuRatio?.[before.reference] ?? NaN
      const ra = a?.cpuRatio?.[after.reference] ?? NaN
      const change = Number.isFinite(rb) && Number.isFinite(ra) && rb > 0 ? ra / rb - 1 : NaN
      out.push({
        target: t.name,
        scenario: s.name,
        beforeUs: b?.cpuUsPerReq ?? NaN,
        afterUs: a?.cpuUsPerReq ?? NaN,
        before: rb,
        after: ra,
        change,
        pass: Number.isFinite(change) ? change <= BASELINE_TOLERANCE : null,
      })
    }
  }
  return out
}

function printBaseline(log, baseline, summary, ours, scenarios) {
  const rows = compareBaseline(baseline, summary, ours, scenarios)
  log()
  log(`### Against the baseline ${baseline.meta?.started ?? '?'} (commit ${baseline.meta?.system?.commit ?? '?'})`)
  log()
  log(`CPU µs/req, and its ratio to ${REFERENCE.pin} of the same run (machine speed cancels out); slower = ratio grew > ${BASELINE_TOLERANCE * 100} %.`)
  log()
  if (rows.length === 0) {
    log('(none of our targets is in both runs)')
    return
  }
  log(
    table(
      ['target', 'scenario', '>before µs', '>after µs', '>before ×ref', '>after ×ref', '>change', 'not slower'],
      rows.map((r) => [
        r.target,
        r.scenario,
        num(r.beforeUs, 2),
        num(r.afterUs, 2),
        ratio(r.before),
        ratio(r.after),
        Number.isFinite(r.change) ? `${r.change >= 0 ? '+' : ''}${Math.round(r.change * 100)}%` : '–',
        r.pass === null ? 'n/a' : r.pass ? 'yes' : 'NO',
      ]),
    ),
  )
}

/**
 * Writes the JSON record of the run.
 * @returns {string} the file written
 */
export function writeJson(dir, data) {
  mkdirSync(dir, { recursive: true })
  const stamp = data.meta.started.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')
  const file = join(dir, `${stamp}.json`)
  writeFileSync(file, `${JSON.stringify(data, (k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`)
  return file
}
