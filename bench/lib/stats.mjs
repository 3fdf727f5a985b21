// Medians over rounds, spread, and ratios to the reference measured in the
// same round.
import { referenceFor } from './targets.mjs'

/** @param {number[]} xs */
export function median(xs) {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (v.length === 0) return NaN
  const m = v.length >> 1
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2
}

/** (max − min) / median, NaN with fewer than 2 values. */
export function spread(xs) {
  const v = xs.filter((x) => Number.isFinite(x))
  if (v.length < 2) return NaN
  const med = median(v)
  return med > 0 ? (Math.max(...v) - Math.min(...v)) / med : NaN
}

/** The number a throughput ratio is computed on: MB/s for throughput scenarios, req/s otherwise. */
export const metricOf = (scenario, r) => (scenario.throughput ? r.mbps : r.rps)

/** Server CPU µs per request of one run (lower is better), NaN when unknown. */
export const cpuOf = (_scenario, r) => r.cpuUsPerReq ?? NaN

/**
 * One round's measurement of target × scenario, or undefined.
 * @param {object} round - { targets: { [name]: { verdict, scenarios: { [sc]: result } } } }
 */
export const cell = (round, target, sc) => round.targets[target]?.scenarios?.[sc]

/**
 * Ratio of `target` to `other` in one scenario: the median over rounds of the
 * ratio within each round (both measured in that round).
 * @param {(scenario: object, r: object) => number} [metric] - metricOf (default) or cpuOf
 * @returns {{ ratio: number, perRound: number[] }}
 */
export function ratioTo(rounds, scenario, target, other, metric = metricOf) {
  const perRound = []
  for (const round of rounds) {
    const a = cell(round, target, scenario.name)
    const b = cell(round, other, scenario.name)
    if (!a || !b) continue
    const x = metric(scenario, a)
    const y = metric(scenario, b)
    if (Number.isFinite(x) && y > 0) perRound.push(x / y)
  }
  return { ratio: median(perRound), perRound }
}

/** Peers every CPU figure is also divided by (besides the reference), when they ran. */
export const CPU_PEERS = ['raw-net']

/**
 * Summary per target × scenario over all rounds.
 * @param {object[]} rounds
 * @param {import('./targets.mjs').Target[]} targets
 * @param {import('./wrk.mjs').Scenario[]} scenarios
 */
export function summarize(rounds, targets, scenarios) {
  const measured = new Set()
  for (const r of rounds) for (const [name, t] of Object.entries(r.targets)) if (t.verdict?.ok) measured.add(name)
  const out = {}
  for (const t of targets) {
    const ref = referenceFor(t, measured)
    const perTarget = { reference: ref, scenarios: {}, idleRssMB: NaN, peakRssMB: NaN }
    perTarget.idleRssMB = median(rounds.map((r) => r.targets[t.name]?.idleRssMB))
    for (const s of scenarios) {
      const rs = rounds.map((r) => cell(r, t.name, s.name)).filter(Boolean)
      if (rs.length === 0) continue
      const { ratio, perRound } = t.name === ref ? { ratio: 1, perRound: rs.map(() => 1) } : ratioTo(rounds, s, t.name, ref)
      const cpuVs = {}
      for (const other of [ref, ...CPU_PEERS]) {
        if (other === t.name) cpuVs[other] = { ratio: 1, perRound: rs.map(() => 1) }
        else if (rounds.some((r) => cell(r, other, s.name))) cpuVs[other] = ratioTo(rounds, s, t.name, other, cpuOf)
      }
      perTarget.scenarios[s.name] = {
        rounds: rs.length,
        cpuUsPerReq: median(rs.map((r) => cpuOf(s, r))),
        cpuUsSpread: spread(rs.map((r) => cpuOf(s, r))),
        cpuUsPerRound: rs.map((r) => cpuOf(s, r)),
        cpuRatio: Object.fromEntries(Object.entries(cpuVs).map(([k, v]) => [k, v.ratio])),
        cpuRatioPerRound: Object.fromEntries(Object.entries(cpuVs).map(([k, v]) => [k, v.perRound])),
        rps: median(rs.map((r) => r.rps)),
        rpsSpread: spread(rs.map((r) => r.rps)),
        mbps: median(rs.map((r) => r.mbps)),
        p50ms: median(rs.map((r) => r.p50ms)),
        p99ms: median(rs.map((r) => r.p99ms)),
        peakRssMB: median(rs.map((r) => r.peakRssMB)),
        srvCpu: median(rs.map((r) => r.srvCpu)),
        busy: [0, 1].map((i) => median(rs.map((r) => r.busy?.[i]))),
        errors: rs.reduce((a, r) => a + r.errors, 0),
        ratio,
        ratioPerRound: perRound,
      }
    }
    const peaks = Object.values(perTarget.scenarios).map((x) => x.peakRssMB)
    perTarget.peakRssMB = peaks.length ? Math.max(...peaks) : NaN
    out[t.name] = perTarget
  }
  return out
}
