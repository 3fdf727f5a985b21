/**
 * The core's wire counters as metrics: connections and the requests the parser refused before any
 * middleware saw them. Read from the App on each snapshot; the wire only increments numbers.
 *
 * @module
 */
import { WIRE_REJECTION_STATUS, type WireRejectionCode, type WireStats } from 'tinyhttp-core'
import type { Registry } from './registry.js'

/** What {@link wireMetrics} reads: an `App` of tinyhttp-core, or several summed by hand. */
export interface WireSource {
  /** The wire's counters. */
  readonly wireStats: Pick<WireStats, 'connectionsOpened' | 'connectionsClosed' | 'rejections'>
  /** Open HTTP connections. */
  readonly connectionCount: number
  /** Open connections with a request in progress. */
  readonly activeConnections: number
}

/**
 * Registers the wire metrics of an App:
 *
 * | metric | type |
 * | --- | --- |
 * | `tinyhttp_connections_opened_total` | counter |
 * | `tinyhttp_connections_open` | gauge |
 * | `tinyhttp_connections_active` | gauge: a request being read, queued or answered |
 * | `tinyhttp_wire_rejections_total{code,status}` | counter: answered by the parser (400, 408, 414, 417, 431, 501, 505), `code` from the core's closed set |
 *
 * @param registry - where they go
 * @param source - the App (its `wireStats`, `connectionCount`, `activeConnections`)
 * @example
 * ```ts
 * const app = createApp()
 * const observe = metrics()
 * wireMetrics(observe.registry, app)
 * ```
 */
export function wireMetrics(registry: Registry, source: WireSource): void {
  const codes = Object.keys(WIRE_REJECTION_STATUS) as WireRejectionCode[]
  const statuses = [...new Set(Object.values(WIRE_REJECTION_STATUS))].sort().map(String)
  const opened = registry.counter({ name: 'tinyhttp_connections_opened_total', help: 'Connections accepted.' })
  registry.gauge({ name: 'tinyhttp_connections_open', help: 'Open HTTP connections.', collect: () => source.connectionCount })
  registry.gauge({ name: 'tinyhttp_connections_active', help: 'Open connections with a request being read, queued or answered.', collect: () => source.activeConnections })
  const rejections = registry.counter({
    name: 'tinyhttp_wire_rejections_total',
    help: 'Requests the parser or the connection answered itself before any middleware, by code and status.',
    labels: { code: codes, status: statuses },
  })
  registry.onCollect(() => {
    const stats = source.wireStats
    opened.setTotal(stats.connectionsOpened)
    for (const code of codes) {
      const n = stats.rejections[code]
      if (n !== undefined) rejections.setTotal(n, { code, status: String(WIRE_REJECTION_STATUS[code]) })
    }
  })
}
