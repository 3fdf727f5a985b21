/**
 * The header fields that frame a message and decide what happens around it (RFC 9112 §6, §9.3;
 * RFC 9110 §7.2, §10.1.1): `Host`, `Content-Length`, `Transfer-Encoding`, `Connection` and `Expect`;
 * the checks that need the whole header section; and reading a body of known length.
 * Internal to the parser.
 *
 * @module
 */
import * as bytes from './byte-scan.js'
import * as tables from './char-tables.js'
import * as states from './message-state.js'
import { equalsLower, isWs, lowerBytes } from './byte-scan.js'
import { type MessageState } from './message-state.js'
import type { ParseErrorCode } from './parse-error.js'
import type { ParserHandler } from './parser.js'
import { validHostPort } from './request-target.js'

// Module-local copies of the imported constants: V8 reads an imported binding through its module
// cell at every use (no constant folding), which made the parser's loops ~15 % slower than with local
// constants (bench/README.md, "Parser micro-benchmark"). Keep the constants of hot code local.
const { COMMA } = bytes
const { TCHAR } = tables
const { S_MESSAGE_DONE } = states

/** A header field the parser does not interpret. */
export const K_OTHER = 0
/** `Host`. */
export const K_HOST = 1
/** `Content-Length`. */
export const K_CONTENT_LENGTH = 2
/** `Transfer-Encoding`. */
export const K_TRANSFER_ENCODING = 3
/** `Connection`. */
export const K_CONNECTION = 4
/** `Expect`. */
export const K_EXPECT = 5

const LC_HOST = lowerBytes('host')
const LC_EXPECT = lowerBytes('expect')
const LC_CONNECTION = lowerBytes('connection')
const LC_CONTENT_LENGTH = lowerBytes('content-length')
const LC_TRANSFER_ENCODING = lowerBytes('transfer-encoding')
const LC_CHUNKED = lowerBytes('chunked')
const LC_CLOSE = lowerBytes('close')
const LC_KEEP_ALIVE = lowerBytes('keep-alive')
const LC_100_CONTINUE = lowerBytes('100-continue')

/**
 * Classifies a header field name `src[s..e)` (case-insensitively) into a `K_*` kind.
 *
 * @example
 * ```ts
 * classifyField(Buffer.from('content-LENGTH'), 0, 14) // K_CONTENT_LENGTH
 * ```
 */
export function classifyField(src: Buffer, s: number, e: number): number {
  switch (e - s) {
    case 4:
      return equalsLower(src, s, e, LC_HOST) ? K_HOST : K_OTHER
    case 6:
      return equalsLower(src, s, e, LC_EXPECT) ? K_EXPECT : K_OTHER
    case 10:
      return equalsLower(src, s, e, LC_CONNECTION) ? K_CONNECTION : K_OTHER
    case 14:
      return equalsLower(src, s, e, LC_CONTENT_LENGTH) ? K_CONTENT_LENGTH : K_OTHER
    case 17:
      return equalsLower(src, s, e, LC_TRANSFER_ENCODING) ? K_TRANSFER_ENCODING : K_OTHER
    default:
      return K_OTHER
  }
}

/**
 * Parses a Content-Length field value `1*DIGIT *( OWS "," OWS 1*DIGIT )`
 * whose elements must all be equal.
 *
 * @returns the value, or -1 when invalid (empty element, non-digit, more
 *   than 15 digits, differing elements)
 */
function parseContentLength(src: Buffer, s: number, e: number): number {
  let p = s
  let value = -1
  for (;;) {
    while (p < e && isWs(src[p])) p++
    const digits = p
    let n = 0
    while (p < e) {
      const d = src[p] - 0x30
      if (d < 0 || d > 9) break
      n = n * 10 + d
      p++
    }
    if (p === digits || p - digits > 15) return -1
    if (value === -1) value = n
    else if (value !== n) return -1
    while (p < e && isWs(src[p])) p++
    if (p === e) return value
    if (src[p] !== COMMA) return -1
    p++
  }
}

/**
 * Adds the codings of a Transfer-Encoding field value (a comma list of
 * tokens; empty elements are ignored, parameters are not accepted).
 */
function addTransferCodings(m: MessageState, src: Buffer, s: number, e: number): ParseErrorCode | null {
  m.teSeen = true
  let p = s
  while (p < e) {
    const b = src[p]
    if (b === COMMA || isWs(b)) {
      p++
      continue
    }
    const start = p
    while (p < e && TCHAR[src[p]] === 1) p++
    if (p === start) return 'INVALID_TRANSFER_ENCODING'
    const tokenEnd = p
    while (p < e && isWs(src[p])) p++
    if (p < e && src[p] !== COMMA) return 'INVALID_TRANSFER_ENCODING'
    if (equalsLower(src, start, tokenEnd, LC_CHUNKED)) {
      m.teChunkedCount++
      m.teLastChunked = true
    } else {
      m.teOther++
      m.teLastChunked = false
    }
  }
  return null
}

/** Records the `close` and `keep-alive` options of a Connection field value. */
function addConnectionOptions(m: MessageState, src: Buffer, s: number, e: number): void {
  let p = s
  while (p < e) {
    const b = src[p]
    if (b === COMMA || isWs(b)) {
      p++
      continue
    }
    const start = p
    while (p < e && src[p] !== COMMA) p++
    let end = p
    while (end > start && isWs(src[end - 1])) end--
    if (equalsLower(src, start, end, LC_CLOSE)) m.connectionClose = true
    else if (equalsLower(src, start, end, LC_KEEP_ALIVE)) m.connectionKeepAlive = true
  }
}

/**
 * Interprets the value `src[s..e)` (trimmed) of the header field just recorded as the last entry of
 * `m.rawHeaders`, when its kind (`m.fieldKind`) is one of the framing fields.
 *
 * @returns `null`, or why the field makes the request invalid
 * @example
 * ```ts
 * m.fieldKind = classifyField(name, 0, name.length)
 * // … the value is recorded …
 * const err = interpretField(m, src, s, e)
 * ```
 */
export function interpretField(m: MessageState, src: Buffer, s: number, e: number): ParseErrorCode | null {
  const kind = m.fieldKind
  if (kind === K_OTHER) return null
  m.fieldKind = K_OTHER
  switch (kind) {
    case K_HOST:
      if (!validHostPort(src, s, e, false, false)) return 'INVALID_HOST'
      m.hostIndex = m.rawHeaders.length - 1
      return null
    case K_CONTENT_LENGTH: {
      const n = parseContentLength(src, s, e)
      if (n < 0 || (m.contentLength >= 0 && n !== m.contentLength)) return 'INVALID_CONTENT_LENGTH'
      m.contentLength = n
      return null
    }
    case K_TRANSFER_ENCODING:
      if (m.versionMinor === 0) return 'INVALID_TRANSFER_ENCODING'
      return addTransferCodings(m, src, s, e)
    case K_CONNECTION:
      addConnectionOptions(m, src, s, e)
      return null
    default: // K_EXPECT
      if (m.versionMinor === 1 && m.expect !== 'unknown') {
        m.expect = equalsLower(src, s, e, LC_100_CONTINUE) ? 'continue' : 'unknown'
      }
      return null
  }
}

/**
 * Checks the rules that need the whole header section (RFC 9112 §3.2, §6.1): Host is present in
 * HTTP/1.1, and Transfer-Encoding, when present, is exactly `chunked` without a Content-Length.
 *
 * @example
 * ```ts
 * const err = framingError(m)
 * if (err === null) m.state = m.teSeen ? S_CHUNK_SIZE : m.contentLength > 0 ? S_BODY : S_MESSAGE_DONE
 * ```
 */
export function framingError(m: MessageState): ParseErrorCode | null {
  if (m.hostCount === 0 && m.versionMinor === 1) return 'MISSING_HOST'
  if (m.teSeen) {
    if (m.contentLength >= 0) return 'CL_TE_CONFLICT'
    if (m.teChunkedCount !== 1 || !m.teLastChunked) return 'INVALID_TRANSFER_ENCODING'
    if (m.teOther !== 0) return 'UNSUPPORTED_TRANSFER_ENCODING'
  }
  return null
}

/**
 * Whether the connection persists after the message (RFC 9112 §9.3): HTTP/1.1 unless Connection has
 * `close`; HTTP/1.0 only with `keep-alive` and no `close`.
 *
 * @example
 * ```ts
 * head.keepAlive = keepAlive(m)
 * ```
 */
export function keepAlive(m: MessageState): boolean {
  return m.versionMinor === 1 ? !m.connectionClose : m.connectionKeepAlive && !m.connectionClose
}

/**
 * Hands the bytes of a Content-Length body in `chunk` from `p` to `onBody` (`m.remaining` bytes are
 * left of it); sets `m.state` to `S_MESSAGE_DONE` when the body is complete.
 *
 * @returns the offset after the body bytes consumed
 * @example
 * ```ts
 * p = readLengthBody(m, handler, chunk, p)
 * ```
 */
export function readLengthBody(m: MessageState, handler: ParserHandler, chunk: Buffer, p: number): number {
  const len = chunk.length
  const avail = len - p
  const remaining = m.remaining
  if (avail < remaining) {
    m.remaining = remaining - avail
    handler.onBody(chunk.subarray(p, len))
    return len
  }
  const end = p + remaining
  m.remaining = 0
  handler.onBody(chunk.subarray(p, end)) // still S_BODY (not idle) while the handler runs

  m.state = S_MESSAGE_DONE
  return end
}
