/**
 * The Prometheus text exposition format, version 0.0.4: `# HELP` and `# TYPE` lines, one line per
 * series, histograms as cumulative `_bucket{le="…"}` lines ending with `le="+Inf"`, then `_sum` and
 * `_count`.
 *
 * @module
 */
import type { MetricSnapshot, Snapshot } from './snapshot.js'

/** The `Content-Type` of {@link toPrometheusText}'s output. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/**
 * Escapes a `# HELP` text: `\` → `\\`, line feed → `\n`.
 *
 * @param text - the help text
 * @returns the escaped text
 * @example
 * ```ts
 * escapeHelp('a\\b\nc') // 'a\\\\b\\nc'
 * ```
 */
export function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, c => (c === '\\' ? '\\\\' : '\\n'))
}

/**
 * Escapes a label value: `\` → `\\`, `"` → `\"`, line feed → `\n`.
 *
 * @param value - the label value
 * @returns the escaped value, to put between double quotes
 * @example
 * ```ts
 * escapeLabelValue('say "hi"\n') // 'say \\"hi\\"\\n'
 * ```
 */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, c => (c === '\\' ? '\\\\' : c === '"' ? '\\"' : '\\n'))
}

/**
 * A sample value as the format writes it: `+Inf`, `-Inf`, `NaN`, or the number (Go's float syntax
 * accepts what `String(number)` gives, exponents included).
 *
 * @param value - the number
 * @returns its text
 * @example
 * ```ts
 * formatValue(Infinity) // '+Inf'
 * formatValue(0.25) // '0.25'
 * ```
 */
export function formatValue(value: number): string {
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  if (Number.isNaN(value)) return 'NaN'
  return String(value)
}

function labelText(names: readonly string[], values: readonly string[], extra?: string): string {
  const parts: string[] = []
  for (let i = 0; i < names.length; i++) parts.push(`${names[i]}="${escapeLabelValue(values[i] ?? '')}"`)
  if (extra !== undefined) parts.push(extra)
  return parts.length === 0 ? '' : `{${parts.join(',')}}`
}

function writeMetric(m: MetricSnapshot, lines: string[]): void {
  lines.push(`# HELP ${m.name} ${escapeHelp(m.help)}`, `# TYPE ${m.name} ${m.type}`)
  if (m.type !== 'histogram') {
    for (const s of m.series) lines.push(`${m.name}${labelText(m.labelNames, s.labels)} ${formatValue(s.value ?? 0)}`)
    return
  }
  const bounds = m.buckets ?? []
  for (const s of m.series) {
    const counts = s.counts ?? []
    let cumulative = 0
    for (let k = 0; k < bounds.length; k++) {
      cumulative += counts[k] ?? 0
      lines.push(`${m.name}_bucket${labelText(m.labelNames, s.labels, `le="${formatValue(bounds[k] as number)}"`)} ${cumulative}`)
    }
    cumulative += counts[bounds.length] ?? 0
    lines.push(`${m.name}_bucket${labelText(m.labelNames, s.labels, 'le="+Inf"')} ${cumulative}`)
    lines.push(`${m.name}_sum${labelText(m.labelNames, s.labels)} ${formatValue(s.sum ?? 0)}`)
    lines.push(`${m.name}_count${labelText(m.labelNames, s.labels)} ${cumulative}`)
  }
}

/**
 * Writes a snapshot in the Prometheus text format 0.0.4 (serve it with {@link PROMETHEUS_CONTENT_TYPE}).
 * Every metric gets its `# HELP` and `# TYPE` lines, even before its first series.
 *
 * @param snapshot - from `registry.snapshot()` or {@link mergeSnapshots}
 * @returns the text, ending with a line feed
 * @example
 * ```ts
 * app.use(ctx => {
 *   ctx.res.headers.set('Content-Type', PROMETHEUS_CONTENT_TYPE)
 *   ctx.res.body = toPrometheusText(registry.snapshot())
 * })
 * ```
 */
export function toPrometheusText(snapshot: Snapshot): string {
  const lines: string[] = []
  for (const m of snapshot.metrics) writeMetric(m, lines)
  return lines.length === 0 ? '' : lines.join('\n') + '\n'
}
