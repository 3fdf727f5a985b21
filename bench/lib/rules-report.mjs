// The rules run's verdict (issue 12, Speed): server CPU per request of a target with 200 header rules,
// 200 redirects and --cache spa, divided by the same server without them, round by round (both measured
// in the same round, so a busy neighbour weighs on both), and the median of those ratios against 1.05.
import { RULES_PAIRS } from './targets.mjs'
import { median } from './stats.mjs'

/**
 * Prints the ratios and returns them for the JSON record.
 * @param {{ rounds: object[], log: (line: string) => void }} args
 * @returns {Array<{ target: string, without: string, perRound: number[], ratio: number, cpuUs: number, cpuUsWithout: number, ok: boolean }>}
 */
export function printRulesReport({ rounds, log }) {
  const cpu = (round, name) => round.targets[name]?.scenarios?.rules?.cpuUsPerReq
  const out = []
  log('\n== rules run: server CPU µs/req with rules ÷ without (goal ≤ 1.05×) ==')
  for (const [target, without] of RULES_PAIRS) {
    const perRound = []
    const a = []
    const b = []
    for (const round of rounds) {
      const x = cpu(round, target)
      const y = cpu(round, without)
      if (Number.isFinite(x) && Number.isFinite(y) && y > 0) {
        perRound.push(x / y)
        a.push(x)
        b.push(y)
      }
    }
    if (perRound.length === 0) continue
    const ratio = median(perRound)
    const row = { target, without, perRound, ratio, cpuUs: median(a), cpuUsWithout: median(b), ok: ratio <= 1.05 }
    out.push(row)
    log(
      `  ${target.padEnd(18)} ${row.cpuUs.toFixed(2).padStart(6)} µs vs ${without.padEnd(16)} ${row.cpuUsWithout.toFixed(2).padStart(6)} µs: ` +
        `${ratio.toFixed(3)}× (rounds ${perRound.map((r) => r.toFixed(3)).join(', ')}) ${row.ok ? 'ok' : 'OVER 1.05×'}`,
    )
  }
  return out
}
