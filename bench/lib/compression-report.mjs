// The compression run's own report (run.mjs --compression): server CPU µs per
// request per target and scenario with its ratio to ours (COMPRESSION_OURS), the
// size table (bytes on the wire per target, from lib/verify-encodings.mjs), and
// issue 11's goals for every one of our targets.
import { cpuOf, median, ratioTo } from './stats.mjs'
import { table } from './report.mjs'
import { COMPRESSION_OURS } from './targets.mjs'
import { SAME_SIZE_PATHS, SITES, siteBytes } from './verify-encodings.mjs'

const num = (x, d = 0) =>
  Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '–'
const ratio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–')

/** The peer the "≥ 3× less CPU" and "≤ 0.8× the size" goals are stated against. */
export const GZIP_PEER = 'nginx-gzip'

/**
 * Issue 11's goals. cpu: ours ÷ other in CPU µs/req (per round, median) ≤ max; `own <scenario>`: our
 * own target in another scenario of the same round. size: our body bytes ÷ the peer's ≤ max. site:
 * compressed ÷ identity bytes on the wire for a page's URLs, for our target alone.
 */
export const COMPRESSION_GOALS = [
  { kind: 'cpu', scenario: 'js-z', vs: 'own js-brsize', max: 1.1, why: 'compressed bundle ≤ 1.1× our identity answer of the same size' },
  { kind: 'cpu', scenario: 'html-z', vs: 'own html-brsize', max: 1.1, why: 'compressed page ≤ 1.1× our identity answer of the same size' },
  { kind: 'cpu', scenario: 'js-z', vs: GZIP_PEER, max: 1 / 3, why: `≥ 3× less CPU than ${GZIP_PEER} for the bundle` },
  { kind: 'size', path: '/app.js', vs: GZIP_PEER, max: 0.8, why: `our brotli ≤ 0.8× the size of ${GZIP_PEER}'s gzip` },
  { kind: 'site', site: 'demo', max: 0.4, why: "the repository's demo: public/ files in demo.allow" },
  { kind: 'site', site: 'bench page', max: 0.4, why: 'index.html + style.css + app.js' },
]

/**
 * Per target: the compression check of the last round that has one (sizes are the same in every
 * round: a target answers the same bytes).
 * @returns {Record<string, import('./verify-encodings.mjs').EncodingsVerdict>}
 */
export function encodingsByTarget(rounds, targets) {
  const out = {}
  for (const t of targets) {
    for (const round of rounds) {
      const enc = round.targets[t.name]?.verdict?.encodings
      if (enc) out[t.name] = enc
    }
  }
  return out
}

/**
 * Rows of the size table: per target, bytes on the wire (head + body) of app.js and index.html
 * compressed and identity, and of every page in SITES.
 * @returns {{ target: string, cells: Record<string, any> }[]}
 */
export function sizeRows(encodings, targets) {
  const rows = []
  for (const t of targets) {
    const enc = encodings[t.name]
    if (!enc) continue
    const cells = {}
    for (const path of Object.keys(SAME_SIZE_PATHS)) {
      const s = enc.sizes[path]
      cells[path] = s?.z && s?.id ? { coding: s.z.coding, z: s.z.wire, zBody: s.z.body, id: s.id.wire, ratio: s.z.wire / s.id.wire } : null
    }
    for (const [site, paths] of Object.entries(SITES)) cells[site] = siteBytes(enc.sizes, paths)
    rows.push({ target: t.name, cells })
  }
  return rows
}

/**
 * Evaluates COMPRESSION_GOALS for one of our targets.
 * @returns {{ goal: string, value: string, pass: boolean|null }[]}
 */
export function checkCompressionGoals(target, rounds, summary, encodings, scenarios) {
  const out = []
  const has = (name) => scenarios.some((s) => s.name === name)
  for (const g of COMPRESSION_GOALS) {
    if (g.kind === 'cpu') {
      if (!has(g.scenario)) continue
      const s = scenarios.find((x) => x.name === g.scenario)
      const mine = summary[target.name]?.scenarios?.[g.scenario]?.cpuUsPerReq
      let r
      let theirs
      if (g.vs.startsWith('own ')) {
        const other = g.vs.slice(4)
        const per = []
        for (const round of rounds) {
          const a = round.targets[target.name]?.scenarios?.[g.scenario]
          const b = round.targets[target.name]?.scenarios?.[other]
          if (a && b && b.cpuUsPerReq > 0) per.push(a.cpuUsPerReq / b.cpuUsPerReq)
        }
        r = median(per)
        theirs = summary[target.name]?.scenarios?.[other]?.cpuUsPerReq
      } else {
        r = ratioTo(rounds, s, target.name, g.vs, cpuOf).ratio
        theirs = summary[g.vs]?.scenarios?.[g.scenario]?.cpuUsPerReq
      }
      const against = g.vs.startsWith('own ') ? `own ${g.vs.slice(4)}` : g.vs
      out.push({ goal: `${g.scenario} CPU/req ≤ ${num(g.max, 2)}× ${against}: ${g.why}`, value: `${ratio(r)} (${num(mine, 1)} vs ${num(theirs, 1)} µs)`, pass: Number.isFinite(r) ? r <= g.max : null })
    } else if (g.kind === 'size') {
      const mine = encodings[target.name]?.sizes?.[g.path]?.z
      const theirs = encodings[g.vs]?.sizes?.[g.path]?.z
      const r = mine && theirs && theirs.body > 0 ? mine.body / theirs.body : NaN
      out.push({
        goal: `${g.path} body: ${g.why}`,
        value: mine && theirs ? `${ratio(r)} (${mine.coding} ${num(mine.body)} B vs ${theirs.coding} ${num(theirs.body)} B)` : '–',
        pass: Number.isFinite(r) ? r <= g.max : null,
      })
    } else {
      const b = siteBytes(encodings[target.name]?.sizes, SITES[g.site])
      out.push({
        goal: `${g.site} (${g.why}): bytes on the wire ≤ ${g.max}× identity`,
        value: b ? `${ratio(b.ratio)} (${num(b.z)} vs ${num(b.id)} B)` : '–',
        pass: b && Number.isFinite(b.ratio) ? b.ratio <= g.max : null,
      })
    }
  }
  return out
}

/**
 * Everything the compression run adds to the JSON record.
 * @returns {object}
 */
export function compressionSummary(rounds, summary, targets, scenarios) {
  const encodings = encodingsByTarget(rounds, targets)
  const ours = targets.filter((t) => t.ours && encodings[t.name])
  // "× ours", per scenario: COMPRESSION_OURS, or the first of our targets timed in that scenario when
  // it was not (before the CLI compresses, its compressed scenarios are not timed)
  const base = {}
  for (const s of scenarios) base[s.name] = [COMPRESSION_OURS, ...ours.map((t) => t.name)].find((n) => summary[n]?.scenarios?.[s.name]) ?? null
  const vsOurs = {}
  for (const t of targets) {
    vsOurs[t.name] = {}
    for (const s of scenarios) {
      const b = base[s.name]
      vsOurs[t.name][s.name] = !b ? NaN : t.name === b ? 1 : ratioTo(rounds, s, t.name, b, cpuOf).ratio
    }
  }
  return {
    ours: base,
    cpuRatioToOurs: vsOurs,
    sizes: sizeRows(encodings, targets),
    codings: Object.fromEntries(Object.entries(encodings).map(([k, v]) => [k, v.coding])),
    goals: Object.fromEntries(ours.map((t) => [t.name, checkCompressionGoals(t, rounds, summary, encodings, scenarios)])),
  }
}

/**
 * Prints the size table (rows from sizeRows).
 * @param {ReturnType<typeof sizeRows>} rows
 * @param {(s?: string) => void} log
 */
export function printSizeTable(rows, log) {
  log()
  log('### Sizes: bytes on the wire per answer (head + body; compressed = answer to Accept-Encoding: gzip, br)')
  log()
  const fmtPath = (c) => (c ? `${c.coding} ${num(c.z)} / ${num(c.id)} (${ratio(c.ratio)})` : '–')
  const fmtSite = (c) => (c ? `${num(c.z)} / ${num(c.id)} (${ratio(c.ratio)})` : '–')
  log(
    table(
      ['target', '>app.js: compressed / identity', '>index.html: compressed / identity', ...Object.keys(SITES).map((s) => `>${s}: compressed / identity`)],
      rows.map((r) => [r.target, fmtPath(r.cells['/app.js']), fmtPath(r.cells['/index.html']), ...Object.keys(SITES).map((s) => fmtSite(r.cells[s]))]),
    ),
  )
}

/**
 * Prints the compression tables.
 * @param {{ rounds: object[], summary: object, targets: object[], scenarios: object[], log?: (s?: string) => void }} o
 */
export function printCompressionReport({ rounds, summary, targets, scenarios, log = (s = '') => process.stdout.write(`${s}\n`) }) {
  const z = compressionSummary(rounds, summary, targets, scenarios)
  const encodings = encodingsByTarget(rounds, targets)
  const shown = targets.filter((t) => encodings[t.name])
  log()
  log(`## Compression (issue 11): server CPU µs per request (× ours in the same round; lower is better)`)
  log()
  log(`Cells: µs (ratio to ${COMPRESSION_OURS}, or to the ours-* target named in the column when ${COMPRESSION_OURS} was not timed`)
  log('there). "skip": not timed (the target answered identity where it should compress, or never compresses')
  log('by design: see the notes). Coding = what it answered to Accept-Encoding: gzip, br.')
  log()
  const cpuRows = shown.map((t) => [
    t.name,
    `${encodings[t.name].coding['/app.js'] ?? '–'} / ${encodings[t.name].coding['/index.html'] ?? '–'}`,
    ...scenarios.map((s) => {
      const c = summary[t.name]?.scenarios?.[s.name]
      if (!c) return 'skip'
      const r = z.cpuRatioToOurs[t.name]?.[s.name]
      return `${num(c.cpuUsPerReq, 1)} (${ratio(r)})`
    }),
  ])
  const header = (s) => `>${s.name}${z.ours[s.name] && z.ours[s.name] !== COMPRESSION_OURS ? ` (× ${z.ours[s.name]})` : ''}`
  log(table(['target', 'coding js / html', ...scenarios.map(header)], cpuRows))

  printSizeTable(z.sizes, log)
  const peer = encodings[GZIP_PEER]?.sizes?.['/app.js']?.z
  for (const [name, goals] of Object.entries(z.goals)) {
    log()
    log(`### Goals (issue 11) for ${name}`)
    log()
    log(table(['goal', '>value', 'pass'], goals.map((g) => [g.goal, g.value, g.pass === null ? 'n/a' : g.pass ? 'yes' : 'NO'])))
  }
  if (!peer) log(`\n(${GZIP_PEER} not measured: its size and CPU goals are n/a)`)
  return z
}
