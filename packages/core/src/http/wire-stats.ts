import { PARSE_ERROR_STATUS, type ParseErrorCode } from './parse-error.js'

/**
 * Why the wire answered a request itself, without the host: a {@link ParseErrorCode}, a head or body
 * that did not arrive within its timeout (`REQUEST_TIMEOUT`, 408), or an `Expect` the server does not
 * know (`EXPECTATION_FAILED`, 417). A closed set: it can be a metric label.
 */
export type WireRejectionCode = ParseErrorCode | 'REQUEST_TIMEOUT' | 'EXPECTATION_FAILED'

/**
 * The status the wire answers each {@link WireRejectionCode} with.
 *
 * @example
 * ```ts
 * WIRE_REJECTION_STATUS.HEADERS_TOO_LARGE // 431
 * WIRE_REJECTION_STATUS.REQUEST_TIMEOUT // 408
 * ```
 */
export const WIRE_REJECTION_STATUS: Readonly<Record<WireRejectionCode, number>> = Object.freeze({
  ...PARSE_ERROR_STATUS,
  REQUEST_TIMEOUT: 408,
  EXPECTATION_FAILED: 417,
})

/**
 * Counters the wire keeps for an App, for metrics: connections accepted and closed, and requests the
 * wire refused before any middleware saw them. Plain numbers the connections increment (nothing is
 * allocated, timed or locked per request); read them whenever you like, e.g. on a metrics scrape.
 *
 * @remarks
 * - `connectionsOpened` counts every connection {@link App.handleConnection} starts (an `app.inject()`
 *   too); `connectionsClosed` every one that ended, or switched protocols (it is then no longer an HTTP
 *   connection). Open = opened − closed = `app.connectionCount`.
 * - `rejections` counts by code the requests the wire answered itself (400, 408, 414, 417, 431, 501,
 *   505), once per answer queued: a request the host answered is never counted here, and neither is a
 *   connection that ended mid-request without an answer.
 * - Active connections (a request in progress) are counted when asked: {@link App.activeConnections}.
 *
 * @example
 * ```ts
 * const { connectionsOpened, rejections } = app.wireStats
 * console.log(connectionsOpened, rejections.HEADERS_TOO_LARGE ?? 0)
 * ```
 */
export class WireStats {
  /** Connections started since the App was made. */
  connectionsOpened = 0
  /** Connections that ended (closed, or handed to an upgrade handler). */
  connectionsClosed = 0
  /** Requests the wire answered itself, by code (a code never seen is absent). */
  readonly rejections: Partial<Record<WireRejectionCode, number>> = {}

  /**
   * Counts one request answered by the wire.
   *
   * @param code - why
   * @internal
   */
  rejected(code: WireRejectionCode): void {
    this.rejections[code] = (this.rejections[code] ?? 0) + 1
  }
}
