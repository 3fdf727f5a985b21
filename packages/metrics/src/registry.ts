/**
 * The registry and its three kinds of metric. Every series of a metric is allocated when the metric
 * is made (label values come from closed lists, {@link LabelSpace}), so counting is an array
 * increment and nothing a request carries can add a series.
 *
 * @module
 */
import { checkMetricName, LabelSpace, type LabelValues } from './label-space.js'
import type { MergeRule, MetricSnapshot, MetricType, SeriesSnapshot, Snapshot } from './snapshot.js'

/** What every metric is made with. */
export interface MetricOptions {
  /** The metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`; counters end in `_total`). */
  name: string
  /** One line for `# HELP`. */
  help: string
  /** Label name → every value it may take (`other` in a list catches the rest). @defaultValue no labels */
  labels?: LabelValues
}

/** Options of a gauge. */
export interface GaugeOptions extends MetricOptions {
  /** How the gauge of several processes combines in {@link mergeSnapshots}. @defaultValue 'sum' */
  merge?: MergeRule
  /** Called before each snapshot to set the value (a gauge without labels): e.g. a size read on demand. */
  collect?: () => number
}

/** Options of a histogram. */
export interface HistogramOptions extends MetricOptions {
  /** Upper bounds of the buckets, finite and ascending; `+Inf` is added. */
  buckets: readonly number[]
}

/** What the three kinds share: name, help, labels, and which series were ever touched. */
abstract class Metric {
  readonly name: string
  readonly help: string
  /** @internal */
  readonly space: LabelSpace
  /** Series set or counted at least once: only those are exported. @internal */
  readonly touched: Uint8Array

  constructor(options: MetricOptions, histogram: boolean) {
    checkMetricName(options.name)
    if (typeof options.help !== 'string') throw new TypeError(`metrics: ${options.name} needs a help text`)
    this.name = options.name
    this.help = options.help
    this.space = new LabelSpace(options.labels, histogram)
    this.touched = new Uint8Array(this.space.size)
  }

  /** @internal */
  abstract snapshot(): MetricSnapshot

  protected series(fill: (index: number, series: SeriesSnapshot) => void): SeriesSnapshot[] {
    const out: SeriesSnapshot[] = []
    for (let i = 0; i < this.space.size; i++) {
      if (this.touched[i] === 0) continue
      const s: SeriesSnapshot = { labels: this.space.valuesAt(i) }
      fill(i, s)
      out.push(s)
    }
    return out
  }

  protected base(type: MetricType, merge: MergeRule): MetricSnapshot {
    return { name: this.name, help: this.help, type, merge, labelNames: [...this.space.names], series: [] }
  }
}

/**
 * A value that only goes up: requests, bytes, seconds of CPU.
 *
 * @example
 * ```ts
 * const requests = registry.counter({ name: 'app_requests_total', help: 'Requests.', labels: { method: ['GET', 'HEAD', 'other'] } })
 * requests.inc({ method: 'GET' })
 * requests.inc({ method: 'BREW' }) // counted as other
 * ```
 */
export class Counter extends Metric {
  /** @internal */
  readonly values: Float64Array

  /** @param options - name, help, labels */
  constructor(options: MetricOptions) {
    super(options, false)
    this.values = new Float64Array(this.space.size)
  }

  /**
   * Adds to the series of these labels.
   *
   * @param labels - a value per label @defaultValue none
   * @param by - how much, ≥ 0 @defaultValue 1
   * @throws TypeError for a negative or non-finite amount, or a value outside a list without `other`
   */
  inc(labels?: Readonly<Record<string, string>>, by = 1): void {
    this.incAt(this.space.indexOf(labels), by)
  }

  /**
   * Adds to a series by its index ({@link LabelSpace.indexOf}): for a hot path that computed it once.
   *
   * @param index - the series
   * @param by - how much, ≥ 0 @defaultValue 1
   */
  incAt(index: number, by = 1): void {
    if (!(by >= 0) || by === Infinity) throw new TypeError(`metrics: ${this.name} can only grow by a finite amount ≥ 0`)
    this.values[index] = (this.values[index] as number) + by
    this.touched[index] = 1
  }

  /**
   * Raises the series to a total counted elsewhere (read on collect: CPU seconds, the core's wire
   * counters); a lower total is ignored, so the series never goes down.
   *
   * @param total - the total so far
   * @param labels - a value per label @defaultValue none
   */
  setTotal(total: number, labels?: Readonly<Record<string, string>>): void {
    const i = this.space.indexOf(labels)
    const now = this.values[i] as number
    if (total > now && total !== Infinity) this.values[i] = total
    this.touched[i] = 1
  }

  /** @internal */
  snapshot(): MetricSnapshot {
    const m = this.base('counter', 'sum')
    m.series = this.series((i, s) => (s.value = this.values[i] as number))
    return m
  }
}

/**
 * A value that goes up and down: open connections, requests in flight, resident memory.
 *
 * @example
 * ```ts
 * const inFlight = registry.gauge({ name: 'app_in_flight', help: 'Requests in progress.' })
 * inFlight.inc()
 * inFlight.dec()
 * registry.gauge({ name: 'app_cache_entries', help: 'Entries.', collect: () => cache.size })
 * ```
 */
export class Gauge extends Metric {
  /** @internal */
  readonly values: Float64Array
  /** How it merges across processes. */
  readonly merge: MergeRule
  readonly #collect: (() => number) | undefined

  /** @param options - name, help, labels, merge rule, collect hook */
  constructor(options: GaugeOptions) {
    super(options, false)
    this.values = new Float64Array(this.space.size)
    const merge = options.merge ?? 'sum'
    if (merge !== 'sum' && merge !== 'max' && merge !== 'min') throw new TypeError(`metrics: ${options.name}: merge must be sum, max or min`)
    this.merge = merge
    if (options.collect !== undefined && (typeof options.collect !== 'function' || this.space.size !== 1 || this.space.names.length > 0)) {
      throw new TypeError(`metrics: ${options.name}: collect needs a function and a gauge without labels`)
    }
    this.#collect = options.collect
  }

  /**
   * Sets the series of these labels.
   *
   * @param value - the value (NaN and ±Infinity are allowed, as in the format)
   * @param labels - a value per label @defaultValue none
   */
  set(value: number, labels?: Readonly<Record<string, string>>): void {
    const i = this.space.indexOf(labels)
    this.values[i] = value
    this.touched[i] = 1
  }

  /**
   * Adds to the series of these labels.
   *
   * @param by - how much (negative to go down) @defaultValue 1
   * @param labels - a value per label @defaultValue none
   */
  inc(by = 1, labels?: Readonly<Record<string, string>>): void {
    const i = this.space.indexOf(labels)
    this.values[i] = (this.values[i] as number) + by
    this.touched[i] = 1
  }

  /**
   * Subtracts from the series of these labels.
   *
   * @param by - how much @defaultValue 1
   * @param labels - a value per label @defaultValue none
   */
  dec(by = 1, labels?: Readonly<Record<string, string>>): void {
    this.inc(-by, labels)
  }

  /** @internal */
  snapshot(): MetricSnapshot {
    if (this.#collect !== undefined) this.set(this.#collect())
    const m = this.base('gauge', this.merge)
    m.series = this.series((i, s) => (s.value = this.values[i] as number))
    return m
  }
}

/**
 * Observations counted into fixed buckets, with their sum: request durations, sizes.
 *
 * @example
 * ```ts
 * const duration = registry.histogram({ name: 'app_duration_seconds', help: 'Time to answer.', buckets: [0.01, 0.1, 1] })
 * duration.observe(0.042)
 * ```
 */
export class Histogram extends Metric {
  /** The finite upper bounds, ascending. */
  readonly buckets: readonly number[]
  /** @internal Per series: one count per bucket plus one above every bound (not cumulative). */
  readonly counts: Float64Array
  /** @internal */
  readonly sums: Float64Array

  /** @param options - name, help, labels, bucket bounds */
  constructor(options: HistogramOptions) {
    super(options, true)
    const b = options.buckets
    if (!Array.isArray(b) || b.length === 0 || b.some((x, i) => typeof x !== 'number' || !Number.isFinite(x) || (i > 0 && x <= (b[i - 1] as number)))) {
      throw new TypeError(`metrics: ${options.name}: buckets must be finite and strictly ascending`)
    }
    this.buckets = [...b]
    this.counts = new Float64Array(this.space.size * (b.length + 1))
    this.sums = new Float64Array(this.space.size)
  }

  /**
   * Counts one observation.
   *
   * @param value - the observation (NaN is ignored)
   * @param labels - a value per label @defaultValue none
   */
  observe(value: number, labels?: Readonly<Record<string, string>>): void {
    this.observeAt(this.space.indexOf(labels), value)
  }

  /**
   * Counts one observation in a series given by its index.
   *
   * @param index - the series
   * @param value - the observation (NaN is ignored)
   */
  observeAt(index: number, value: number): void {
    if (Number.isNaN(value)) return
    const b = this.buckets
    let k = 0
    while (k < b.length && value > (b[k] as number)) k++
    const at = index * (b.length + 1) + k
    this.counts[at] = (this.counts[at] as number) + 1
    this.sums[index] = (this.sums[index] as number) + value
    this.touched[index] = 1
  }

  /** @internal */
  snapshot(): MetricSnapshot {
    const m = this.base('histogram', 'sum')
    const width = this.buckets.length + 1
    m.buckets = [...this.buckets]
    m.series = this.series((i, s) => {
      s.counts = Array.from(this.counts.subarray(i * width, (i + 1) * width))
      s.sum = this.sums[i] as number
    })
    return m
  }
}

/**
 * A set of metrics, exported together: {@link Registry.snapshot} for JSON, then
 * `toPrometheusText` for the exposition format.
 *
 * @example
 * ```ts
 * const registry = new Registry()
 * const hits = registry.counter({ name: 'app_hits_total', help: 'Hits.' })
 * hits.inc()
 * toPrometheusText(registry.snapshot()) // '# HELP app_hits_total Hits.\n# TYPE app_hits_total counter\napp_hits_total 1\n'
 * ```
 */
export class Registry {
  readonly #metrics = new Map<string, Metric>()
  readonly #collectors: Array<() => void> = []

  /**
   * Makes a counter.
   *
   * @param options - name, help, labels
   * @returns the counter
   * @throws TypeError for a bad name or labels, or a name already registered
   */
  counter(options: MetricOptions): Counter {
    return this.#add(new Counter(options))
  }

  /**
   * Makes a gauge.
   *
   * @param options - name, help, labels, merge rule, collect hook
   * @returns the gauge
   * @throws TypeError for a bad name or labels, or a name already registered
   */
  gauge(options: GaugeOptions): Gauge {
    return this.#add(new Gauge(options))
  }

  /**
   * Makes a histogram.
   *
   * @param options - name, help, labels, buckets
   * @returns the histogram
   * @throws TypeError for a bad name, labels or buckets, or a name already registered
   */
  histogram(options: HistogramOptions): Histogram {
    return this.#add(new Histogram(options))
  }

  /**
   * Runs `collect` before every snapshot: for values read on demand (process metrics, wire counters).
   *
   * @param collect - sets some metrics of this registry
   */
  onCollect(collect: () => void): void {
    this.#collectors.push(collect)
  }

  /**
   * The value of every series touched so far, as plain JSON (after running the collect hooks).
   *
   * @returns the snapshot
   */
  snapshot(): Snapshot {
    for (const collect of this.#collectors) collect()
    return { metrics: [...this.#metrics.values()].map(m => m.snapshot()) }
  }

  #add<T extends Metric>(metric: T): T {
    if (this.#metrics.has(metric.name)) throw new TypeError(`metrics: ${metric.name} is already registered`)
    this.#metrics.set(metric.name, metric)
    return metric
  }
}
