/**
 * The `metrics()` middleware: one observation per request, taken when the response has left
 * (`ctx.res.onEnd`), with labels from closed sets only.
 *
 * @module
 */
import type { Middleware } from 'tinyhttp-core'
import { CACHE_RESULTS, cacheResult, ENCODINGS, METHODS, REFUSAL_REASONS, STATUS_CLASSES, statusClass } from './label-sets.js'
import { Counter, Registry } from './registry.js'

/**
 * Bounds of the request-duration histogram, in seconds: 0.5 ms to 10 s. A file from memory is answered
 * in well under a millisecond; a large file to a slow client takes seconds.
 *
 * @example
 * ```ts
 * DURATION_BUCKETS[0] // 0.0005
 * ```
 */
export const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const

/** Options of {@link metrics}. */
export interface MetricsOptions {
  /** Where the metrics go. @defaultValue a new {@link Registry} */
  registry?: Registry
}

/** The middleware {@link metrics} returns, with the registry it counts into. */
export interface MetricsMiddleware extends Middleware {
  /** The registry holding the request metrics. */
  readonly registry: Registry
}

/**
 * Counts every request that reaches it, when its response has left:
 *
 * | metric | labels |
 * | --- | --- |
 * | `tinyhttp_http_requests_total` | `method` ({@link METHODS}), `status_class` (`2xx`…) |
 * | `tinyhttp_http_refusals_total` | `reason` ({@link REFUSAL_REASONS}): answers with status ≥ 400 |
 * | `tinyhttp_http_responses_encoding_total` | `encoding` ({@link ENCODINGS}) |
 * | `tinyhttp_static_cache_total` | `result` ({@link CACHE_RESULTS}): tinyhttp-static's answers |
 * | `tinyhttp_http_request_duration_seconds` | histogram, {@link DURATION_BUCKETS}: from this middleware to the last byte |
 * | `tinyhttp_http_response_body_bytes_total` | body bytes handed to the socket |
 * | `tinyhttp_http_responses_aborted_total` | responses cut by the connection closing |
 * | `tinyhttp_http_requests_in_flight` | gauge: requests that reached this middleware and have not ended |
 *
 * Put it first in the chain so it sees every answer (a request the parser refused never reaches the
 * chain: those are the core's wire counters, {@link wireMetrics}).
 *
 * @param options - the registry
 * @returns the middleware, with its registry
 * @example
 * ```ts
 * const observe = metrics()
 * app.use(observe, allowlist(['index.html'], { root: 'public' }), serveStatic('public'))
 * const text = toPrometheusText(observe.registry.snapshot())
 * ```
 */
export function metrics(options: MetricsOptions = {}): MetricsMiddleware {
  const registry = options.registry ?? new Registry()
  const requests = registry.counter({
    name: 'tinyhttp_http_requests_total',
    help: 'HTTP requests answered, by method (other: any method not listed) and status class.',
    labels: { method: METHODS, status_class: STATUS_CLASSES },
  })
  const refusals = registry.counter({
    name: 'tinyhttp_http_refusals_total',
    help: 'Answers with a status of 400 or more, by the reason code of the plugin or core that refused (none: no reason given; other: a code not listed).',
    labels: { reason: REFUSAL_REASONS },
  })
  const encodings = registry.counter({
    name: 'tinyhttp_http_responses_encoding_total',
    help: 'Responses by content coding (identity: no Content-Encoding).',
    labels: { encoding: ENCODINGS },
  })
  const cache = registry.counter({
    name: 'tinyhttp_static_cache_total',
    help: 'Files answered by tinyhttp-static: hit (memory cache), miss (streamed from disk), revalidated (304).',
    labels: { result: CACHE_RESULTS },
  })
  const duration = registry.histogram({
    name: 'tinyhttp_http_request_duration_seconds',
    help: 'Time from the start of the chain to the last byte of the response (or the cut).',
    buckets: DURATION_BUCKETS,
  })
  const bytes = registry.counter({ name: 'tinyhttp_http_response_body_bytes_total', help: 'Response body bytes handed to the socket.' })
  const aborted = registry.counter({ name: 'tinyhttp_http_responses_aborted_total', help: 'Responses cut by the connection closing before their last byte.' })
  const inFlight = registry.gauge({ name: 'tinyhttp_http_requests_in_flight', help: 'Requests in the chain or being written.' })
  inFlight.set(0)
  bytes.inc(undefined, 0)
  aborted.inc(undefined, 0)

  // Series indices computed once: a request costs map lookups and array increments, no label objects.
  const methodIndex = new Map<string, number>(METHODS.map((m, i) => [m, i]))
  const otherMethod = METHODS.length - 1
  const requestSeries = (m: number, c: number): number => requests.space.indexOf({ method: METHODS[m] as string, status_class: STATUS_CLASSES[c] as string })
  const requestIndex: number[] = []
  for (let m = 0; m < METHODS.length; m++) for (let c = 0; c < STATUS_CLASSES.length; c++) requestIndex.push(requestSeries(m, c))
  const seriesOf = (counter: Counter, label: string, values: readonly string[]): Map<string, number> =>
    new Map(values.map(v => [v, counter.space.indexOf({ [label]: v })]))
  const reasonIndex = seriesOf(refusals, 'reason', REFUSAL_REASONS)
  const encodingIndex = seriesOf(encodings, 'encoding', ENCODINGS)
  const cacheIndex = seriesOf(cache, 'result', CACHE_RESULTS)
  const classIndex = new Map<string, number>(STATUS_CLASSES.map((c, i) => [c, i]))

  // Cost per request (bench/middleware.mjs, this 2-core machine shared with other jobs, load average
  // 11–14): 0.4–1.0 µs over the same Response without it, most of it the two performance.now() reads
  // (0.4 µs each under that load; ~65 ns when quiet). The CLI installs it only with --admin.
  const middleware = function metrics(ctx, next) {
    const start = performance.now()
    const method = methodIndex.get(ctx.req.method) ?? otherMethod
    inFlight.inc()
    const res = ctx.res
    res.onEnd((sent, cut) => {
      inFlight.dec()
      duration.observeAt(0, (performance.now() - start) / 1000)
      const status = res.status
      requests.incAt(requestIndex[method * STATUS_CLASSES.length + (classIndex.get(statusClass(status)) as number)] as number)
      const reason = res.reason
      if (status >= 400) {
        const at = reason === undefined ? reasonIndex.get('none') : (reasonIndex.get(reason) ?? reasonIndex.get('other'))
        refusals.incAt(at as number)
      }
      const coding = res.headers.get('content-encoding')
      encodings.incAt((coding === undefined ? encodingIndex.get('identity') : (encodingIndex.get(coding.trim().toLowerCase()) ?? encodingIndex.get('other'))) as number)
      const hit = cacheResult(reason)
      if (hit !== undefined) cache.incAt(cacheIndex.get(hit) as number)
      bytes.incAt(0, sent)
      if (cut) aborted.incAt(0)
    })
    return next()
  } as Middleware as MetricsMiddleware
  Object.defineProperty(middleware, 'registry', { value: registry, enumerable: true })
  return middleware
}
