/**
 * tinyhttp-metrics: Prometheus metrics for tinyhttp — a small registry whose label values come from
 * closed sets (no request can add a series), the text exposition format 0.0.4, the `metrics()`
 * middleware, the core's wire counters, process metrics, and JSON snapshots a cluster primary sums.
 *
 * @example
 * ```ts
 * import { createApp } from 'tinyhttp-core'
 * import { metrics, processMetrics, wireMetrics, toPrometheusText, PROMETHEUS_CONTENT_TYPE } from 'tinyhttp-metrics'
 *
 * const app = createApp()
 * const observe = metrics()
 * wireMetrics(observe.registry, app)
 * processMetrics(observe.registry)
 * app.use(observe, ctx => { ctx.res.body = 'hello' })
 *
 * const admin = createApp()
 * admin.use(ctx => {
 *   ctx.res.headers.set('Content-Type', PROMETHEUS_CONTENT_TYPE)
 *   ctx.res.body = toPrometheusText(observe.registry.snapshot())
 * })
 * await admin.listen(9464, '127.0.0.1')
 * ```
 *
 * @packageDocumentation
 */
export { Counter, Gauge, Histogram, Registry, type GaugeOptions, type HistogramOptions, type MetricOptions } from './registry.js'
export { LabelSpace, checkMetricName, type LabelValues } from './label-space.js'
export { isSnapshot, mergeSnapshots, type MergeRule, type MetricSnapshot, type MetricType, type SeriesSnapshot, type Snapshot } from './snapshot.js'
export { PROMETHEUS_CONTENT_TYPE, escapeHelp, escapeLabelValue, formatValue, toPrometheusText } from './exposition.js'
export { DURATION_BUCKETS, metrics, type MetricsMiddleware, type MetricsOptions } from './http-metrics.js'
export { CACHE_RESULTS, ENCODINGS, METHODS, REFUSAL_REASONS, STATUS_CLASSES, cacheResult, statusClass } from './label-sets.js'
export { wireMetrics, type WireSource } from './wire-metrics.js'
export { processMetrics, type ProcessMetrics } from './process-metrics.js'
