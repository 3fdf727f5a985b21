/**
 * Why the wire failed a request body: the bytes stopped making sense (a parse error in the body's
 * framing), the client was too slow (408), the connection ended or closed before the body did, or the
 * body was discarded after its request had been answered.
 */
export type WireErrorCode = string

/**
 * A failure the wire reports on a request body, in its own terms: an HTTP status (0 when the failure has
 * no HTTP answer, e.g. the connection is gone) and a stable code. The host turns one with a status into
 * an `HttpError` when the application reads the body; the wire itself never knows `HttpError`.
 *
 * @example
 * ```ts
 * source.fail(new WireError(408, 'request-timeout'))
 * ```
 * @internal
 */
export class WireError extends Error {
  /** The HTTP status the failure maps to (400, 408), or 0 when it has none. */
  readonly status: number
  /** A stable reason: a parse error code, `'request-timeout'`, `'incomplete-body'`, `'discarded'`, `'closed'`. */
  readonly code: WireErrorCode

  /**
   * @param status - 400, 408, or 0 for a failure without an HTTP answer
   * @param code - the stable reason
   * @param message - for logs; defaults to the code
   */
  constructor(status: number, code: WireErrorCode, message: string = code) {
    super(message)
    this.name = 'WireError'
    this.status = status
    this.code = code
  }
}

/** The error for a body dropped by the wire after its request was answered. */
export function bodyDiscarded(): WireError {
  return new WireError(0, 'discarded', 'Request body discarded after the response')
}

/** The error for a body cut by the connection closing. */
export function connectionClosed(): WireError {
  return new WireError(0, 'closed', 'Connection closed')
}

/** The error for a queued request's body that will not be read: the connection ends after an earlier answer. */
export function connectionClosing(): WireError {
  return new WireError(0, 'closing', 'Connection closing')
}
