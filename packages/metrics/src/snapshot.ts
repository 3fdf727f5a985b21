/**
 * Snapshots: the value of every series of a registry as plain JSON, which a process can send to
 * another (a cluster worker to its primary) and which {@link mergeSnapshots} sums.
 *
 * @module
 */

/** The kind of a metric, as in the exposition's `# TYPE` line. */
export type MetricType = 'counter' | 'gauge' | 'histogram'

/** How the values of one gauge from several processes combine. Counters and histograms always add up. */
export type MergeRule = 'sum' | 'max' | 'min'

/** One series of a snapshot: its label values and its value (counters and gauges) or buckets. */
export interface SeriesSnapshot {
  /** One value per label name, in order. */
  labels: string[]
  /** The value (counters, gauges). */
  value?: number
  /** Histograms: observations per bucket (not cumulative), one more than the bounds (the last: above every bound). */
  counts?: number[]
  /** Histograms: the sum of the observations. */
  sum?: number
}

/** One metric of a snapshot. */
export interface MetricSnapshot {
  /** The metric name. */
  name: string
  /** The `# HELP` text. */
  help: string
  /** The kind. */
  type: MetricType
  /** How gauges merge (`sum` for counters and histograms). */
  merge: MergeRule
  /** The label names, in order. */
  labelNames: string[]
  /** Histograms: the finite bucket bounds, ascending (`+Inf` is implied). */
  buckets?: number[]
  /** The series that have been set or counted at least once. */
  series: SeriesSnapshot[]
}

/**
 * The value of every metric of a registry at one moment, as plain JSON.
 *
 * @example
 * ```ts
 * const snapshot: Snapshot = registry.snapshot()
 * process.send?.({ metrics: snapshot })
 * ```
 */
export interface Snapshot {
  /** The metrics, in registration order. */
  metrics: MetricSnapshot[]
}

function combine(rule: MergeRule, a: number, b: number): number {
  return rule === 'max' ? Math.max(a, b) : rule === 'min' ? Math.min(a, b) : a + b
}

function sameShape(a: MetricSnapshot, b: MetricSnapshot): boolean {
  return (
    a.type === b.type &&
    a.merge === b.merge &&
    a.labelNames.join('\0') === b.labelNames.join('\0') &&
    (a.buckets ?? []).join(',') === (b.buckets ?? []).join(',')
  )
}

/**
 * Sums snapshots of the same registry layout taken in several processes (a cluster's workers): counters
 * and histograms add up, gauges combine by their {@link MergeRule}. A metric that only some snapshots
 * have is kept; one whose shape differs from the first seen (type, labels, buckets: another version of
 * the code, during a rolling restart) is left out of the later snapshots rather than mixed.
 *
 * @param snapshots - the snapshots
 * @returns one snapshot; the inputs are not changed
 * @example
 * ```ts
 * const total = mergeSnapshots([workerA, workerB])
 * const text = toPrometheusText(total)
 * ```
 */
export function mergeSnapshots(snapshots: readonly Snapshot[]): Snapshot {
  const byName = new Map<string, { metric: MetricSnapshot; series: Map<string, SeriesSnapshot> }>()
  const order: string[] = []
  for (const snapshot of snapshots) {
    for (const metric of snapshot.metrics) {
      let entry = byName.get(metric.name)
      if (entry === undefined) {
        entry = { metric: { ...metric, labelNames: [...metric.labelNames], series: [] }, series: new Map() }
        if (metric.buckets !== undefined) entry.metric.buckets = [...metric.buckets]
        byName.set(metric.name, entry)
        order.push(metric.name)
      } else if (!sameShape(entry.metric, metric)) continue
      const rule: MergeRule = metric.type === 'gauge' ? metric.merge : 'sum'
      for (const s of metric.series) {
        const key = s.labels.join('\0')
        const seen = entry.series.get(key)
        if (seen === undefined) {
          const copy: SeriesSnapshot = { labels: [...s.labels] }
          if (s.value !== undefined) copy.value = s.value
          if (s.counts !== undefined) copy.counts = [...s.counts]
          if (s.sum !== undefined) copy.sum = s.sum
          entry.series.set(key, copy)
          continue
        }
        if (s.value !== undefined) seen.value = seen.value === undefined ? s.value : combine(rule, seen.value, s.value)
        if (s.counts !== undefined) {
          const counts = seen.counts ?? s.counts.map(() => 0)
          seen.counts = counts.map((c, i) => c + (s.counts?.[i] ?? 0))
        }
        if (s.sum !== undefined) seen.sum = (seen.sum ?? 0) + s.sum
      }
    }
  }
  return {
    metrics: order.map(name => {
      const entry = byName.get(name) as { metric: MetricSnapshot; series: Map<string, SeriesSnapshot> }
      entry.metric.series = [...entry.series.values()]
      return entry.metric
    }),
  }
}

/**
 * Whether a value received from another process looks like a {@link Snapshot} (its shape, not its
 * numbers): what a cluster primary checks before merging what a worker sent.
 *
 * @param value - anything
 * @returns true for a snapshot
 * @example
 * ```ts
 * if (isSnapshot(message.snapshot)) parts.push(message.snapshot)
 * ```
 */
export function isSnapshot(value: unknown): value is Snapshot {
  if (typeof value !== 'object' || value === null) return false
  const metrics = (value as { metrics?: unknown }).metrics
  if (!Array.isArray(metrics)) return false
  return metrics.every(m => {
    if (typeof m !== 'object' || m === null) return false
    const x = m as Partial<MetricSnapshot>
    return (
      typeof x.name === 'string' &&
      typeof x.help === 'string' &&
      (x.type === 'counter' || x.type === 'gauge' || x.type === 'histogram') &&
      (x.merge === 'sum' || x.merge === 'max' || x.merge === 'min') &&
      Array.isArray(x.labelNames) &&
      Array.isArray(x.series) &&
      x.series.every(s => typeof s === 'object' && s !== null && Array.isArray(s.labels) && s.labels.length === x.labelNames?.length)
    )
  })
}
