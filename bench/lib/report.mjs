// Terminal tables (one per scenario, an overview of ratios, goal checks for
// our targets, notes) and the JSON file in bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { median, metricOf, ratioTo } from './stats.mjs'
import { referenceFor } from './targets.mjs'
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

/** Goal ratios from the issue, checked for every target marked `ours`. */
export const GOALS = [
  { scenario: 'ka', vs: 'ref', min: 1.4 },
  { scenario: 'ka', vs: 'raw-net', min: 0.85 },
  { scenario: 'ka', vs: 'nginx-1w', min: 1.5 },
  { scenario: 'pipe', vs: 'ref', min: 4 },
  { scenario: 'pipe', vs: 'own ka', min: 1.0 },
  { scenario: 'close', vs: 'ref', min: 1.0 },
  { scenario: 'cond', vs: 'ref', min: 1.3 },
  { scenario: 'mid', vs: 'ref', min: 0.8 },
  { scenario: 'mid', vs: 'nginx-1w', min: 1.5 },
  { scenario: 'big', vs: 'ref', min: 0.8 },
  { scenario: 'big', vs: 'nginx-1w', min: 1.5 },
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
    const unit = s.throughput ? ' (MB/s)' : ''
    let r
    if (g.vs === 'own ka') {
      const ka = scenarios.find((x) => x.name === 'ka')
      const per = []
      for (const round of rounds) {
        const a = round.targets[target.name]?.scenarios?.[s.name]
        const b = ka && round.targets[target.name]?.scenarios?.ka
        if (a && b && b.rps > 0) per.push(a.rps / b.rps)
      }
      r = median(per)
    } else {
      r = ratioTo(rounds, s, target.name, other).ratio
    }
    out.push({
      goal: `${s.name} ≥ ${g.min}× ${other}${unit}`,
      value: ratio(r),
      pass: Number.isFinite(r) ? r >= g.min : null,
    })
  }
  return out
}

/**
 * Prints everything to the terminal.
 * @param {{ rounds: object[], summary: object, targets: object[], scenarios: object[], meta: object, notes: Record<string,string[]> }} o
 */
export function printReport({ rounds, summary, targets, scenarios, meta, notes }) {
  const log = (s = '') => process.stdout.write(`${s}\n`)
  const measured = new Set(Object.keys(summary).filter((n) => Object.keys(summary[n].scenarios).length))
  const shown = targets.filter((t) => measured.has(t.name))
  log()
  log(`## Results: ${meta.rounds} round(s) × ${meta.durationS} s, medians over rounds`)
  log()
  log(`ratio = this target ÷ ${'node-http-mem'} in the same round (median over rounds; req/s, MB/s for mid/big).`)
  log('Free-mode targets are divided by node-http-mem-free when it ran. p99 under pipelining: n/m.')

  // overview
  log()
  log('### Overview (req/s, MB/s for mid/big; ratio to the reference)')
  log()
  const ovRows = shown.map((t) => {
    const sm = summary[t.name]
    return [
      `${t.name}@${t.mode}`,
      ...scenarios.map((s) => {
        const c = sm.scenarios[s.name]
        if (!c) return 'n/a'
        return `${num(metricOf(s, c), s.throughput ? 0 : 0)} (${ratio(c.ratio)})`
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
    log(table(['target', '>req/s', '>spread', '>ratio', '>MB/s', '>p50 ms', '>p99 ms', '>srv CPU%', '>busy c0/c1 %', '>peak RSS MB', '>errors', '>n'], rows))
  }

  const ours = targets.filter((t) => t.ours && measured.has(t.name))
  if (ours.length) {
    log()
    log('### Goals (from the issue)')
    for (const t of ours) {
      log()
      log(`${t.name}@${t.mode}:`)
      log()
      const g = checkGoals(t, rounds, summary, scenarios, measured)
      log(table(['goal', '>value', 'pass'], g.map((x) => [x.goal, x.value, x.pass === null ? 'n/a' : x.pass ? 'yes' : 'NO'])))
    }
  }

  const noteLines = Object.entries(notes).filter(([, v]) => v.length)
  if (noteLines.length) {
    log()
    log('### Notes (verification, skipped scenarios, errors)')
    log()
    for (const [name, v] of noteLines) log(`- **${name}**: ${[...new Set(v)].join('; ')}`)
  }
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
