/**
 * Why the frame parser failed the connection, with the close code it must be closed with
 * (RFC 6455 §7.4.1): `1002` for a frame that breaks the protocol, `1007` for text that is not UTF-8,
 * `1009` for a message larger than the limit.
 *
 * @example
 * ```ts
 * const err = new FrameError(1002, 'unmasked-frame')
 * err.closeCode // 1002
 * ```
 */
export type FrameErrorCode =
  | 'unmasked-frame'
  | 'masked-frame'
  | 'reserved-bits'
  | 'reserved-opcode'
  | 'fragmented-control'
  | 'control-too-long'
  | 'unexpected-continuation'
  | 'expected-continuation'
  | 'length-high-bit'
  | 'message-too-big'
  | 'invalid-utf8'
  | 'close-payload-length'
  | 'invalid-close-code'
  | 'invalid-close-reason'

const CLOSE_CODES: Record<FrameErrorCode, 1002 | 1007 | 1009> = {
  'unmasked-frame': 1002,
  'masked-frame': 1002,
  'reserved-bits': 1002,
  'reserved-opcode': 1002,
  'fragmented-control': 1002,
  'control-too-long': 1002,
  'unexpected-continuation': 1002,
  'expected-continuation': 1002,
  'length-high-bit': 1002,
  'message-too-big': 1009,
  'invalid-utf8': 1007,
  'close-payload-length': 1002,
  'invalid-close-code': 1002,
  'invalid-close-reason': 1007,
}

/**
 * What {@link FrameParser} reports when the bytes cannot be a valid frame sequence: a code naming the rule
 * and the close code that goes with it. Never thrown by the parser: handed to `onError`.
 *
 * @example
 * ```ts
 * parser.onError = err => ws.fail(err.closeCode, err.code)
 * ```
 */
export class FrameError extends Error {
  /** The rule that was broken. */
  readonly code: FrameErrorCode
  /** The close code to send: 1002, 1007 or 1009. */
  readonly closeCode: 1002 | 1007 | 1009

  /** @param code - the rule that was broken */
  constructor(code: FrameErrorCode) {
    super(`WebSocket frame rejected: ${code}`)
    this.name = 'FrameError'
    this.code = code
    this.closeCode = CLOSE_CODES[code]
  }
}
