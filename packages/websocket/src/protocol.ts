/**
 * The numbers of RFC 6455 that every other file speaks in: opcodes (§5.2, §11.8) and close codes
 * (§7.4), with the rule for which close codes may appear on the wire.
 *
 * @example
 * ```ts
 * if (frame.opcode === OPCODE.CLOSE && !isWireCloseCode(code)) fail(CLOSE.PROTOCOL_ERROR)
 * ```
 * @packageDocumentation
 */

/**
 * Frame opcodes (RFC 6455 §5.2). 3–7 and 11–15 are reserved: a frame that uses one fails the connection.
 *
 * @example
 * ```ts
 * OPCODE.TEXT // 1
 * ```
 */
export const OPCODE = {
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const

/**
 * The close codes this package sends (RFC 6455 §7.4.1).
 *
 * @example
 * ```ts
 * ws.close(CLOSE_CODE.GOING_AWAY)
 * ```
 */
export const CLOSE_CODE = {
  /** Normal closure. */
  NORMAL: 1000,
  /** The server is shutting down (`app.close()`). */
  GOING_AWAY: 1001,
  /** A frame broke RFC 6455: unmasked, RSV bits, reserved opcode, control frame rules, continuation rules, close code. */
  PROTOCOL_ERROR: 1002,
  /** Reported when a close frame carried no code; never sent. */
  NO_STATUS: 1005,
  /** Reported when the connection closed without a close frame; never sent. */
  ABNORMAL: 1006,
  /** A text message or a close reason that is not UTF-8. */
  INVALID_PAYLOAD: 1007,
  /** A policy was broken: the peer does not read what it is sent (`maxBufferedAmount`). */
  POLICY_VIOLATION: 1008,
  /** A message larger than `maxPayload`. */
  MESSAGE_TOO_BIG: 1009,
  /** The server hit an unexpected condition (the handler threw). */
  INTERNAL_ERROR: 1011,
} as const

/**
 * Whether a close code may appear in a close frame (RFC 6455 §7.4): 1000–1003, 1007–1014 (1012–1014
 * registered by IANA after the RFC), and 3000–4999 (libraries and applications). 1004, 1005, 1006 and
 * 1015 are reserved or report-only, 0–999 unused, 1016–2999 reserved for the protocol.
 *
 * @param code - the code read from a close frame
 * @returns true when a peer may send it
 * @example
 * ```ts
 * isWireCloseCode(1000) // true
 * isWireCloseCode(1005) // false: reported locally, never sent
 * ```
 */
export function isWireCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)
}

/** Whether an opcode is a control frame's (close, ping, pong and the reserved 11–15). @internal */
export function isControl(opcode: number): boolean {
  return (opcode & 0x8) !== 0
}

/** The GUID the handshake hashes with the client's key (RFC 6455 §1.3). @internal */
export const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

/** The longest payload of a control frame (RFC 6455 §5.5). @internal */
export const MAX_CONTROL_PAYLOAD = 125
