/**
 * Why a permessage-deflate operation failed, and the close code (RFC 6455 §7.4.1) the socket
 * should be closed with:
 *
 * - `size`: the message inflates past the caller's limit (a zip bomb, or just too big) → 1009.
 * - `data`: the compressed bytes are not valid DEFLATE for the agreed window → 1007.
 * - `closed`: the {@link MessageDeflate} was closed while the operation waited → 1011 (the socket
 *   is going away anyway; nothing should be sent).
 *
 * @example
 * ```ts
 * try {
 *   message = await deflate.decompress(payload, fin, maxPayload)
 * } catch (err) {
 *   if (err instanceof DeflateError) ws.close(err.closeCode)
 *   else throw err
 * }
 * ```
 */
export type DeflateErrorKind = 'size' | 'data' | 'closed'

const CLOSE_CODES: Record<DeflateErrorKind, 1009 | 1007 | 1011> = { size: 1009, data: 1007, closed: 1011 }

/**
 * The only error {@link MessageDeflate} rejects with: a typed {@link DeflateErrorKind} and the close
 * code that goes with it. zlib's own error, when there was one, is the `cause`.
 *
 * @example
 * ```ts
 * const err = new DeflateError('size', 'message inflates past 1048576 bytes')
 * err.closeCode // 1009
 * ```
 */
export class DeflateError extends Error {
  /** What went wrong. */
  readonly kind: DeflateErrorKind
  /** The WebSocket close code for it: 1009 (size), 1007 (data), 1011 (closed). */
  readonly closeCode: 1009 | 1007 | 1011

  /**
   * @param kind - what went wrong
   * @param message - a short text (never sent on the wire)
   * @param cause - zlib's error, if any
   */
  constructor(kind: DeflateErrorKind, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'DeflateError'
    this.kind = kind
    this.closeCode = CLOSE_CODES[kind]
  }
}
