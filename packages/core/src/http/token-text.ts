/**
 * How the bytes of a token (method, request-target, field name, field value) become what the parser
 * keeps: a token cut by the end of a chunk is carried over in a small buffer until it ends
 * ({@link endToken}, the one place that knows); strings of tokens that lie in the current chunk are
 * created later, all at once, from one latin1 decode ({@link addPending}, {@link materialize}).
 * Internal to the parser.
 *
 * @module
 */
import { latin1 } from './byte-scan.js'
import type { MessageState } from './message-state.js'
import { applyTarget } from './request-target.js'

/** Appends `chunk[from..to)` to the carry buffer of `m` (growing it) and returns the buffer. */
function appendCarry(m: MessageState, chunk: Buffer, from: number, to: number): Buffer {
  const need = m.carryLength + (to - from)
  let buf = m.carry
  if (buf === null || buf.length < need) {
    const grown = Buffer.allocUnsafe(Math.max(need, buf === null ? 256 : buf.length * 2))
    if (buf !== null) buf.copy(grown, 0, 0, m.carryLength)
    m.carry = buf = grown
  }
  if (to - from <= 16) {
    // Short runs (a chunk that ends a few bytes into a token, or a 1-byte feed) byte by byte: a
    // Buffer#copy costs more than the loop.
    for (let i = from, j = m.carryLength; i < to; i++, j++) buf[j] = chunk[i]
  } else {
    chunk.copy(buf, m.carryLength, from, to)
  }
  m.carryLength = need
  return buf
}

/**
 * Ends the token that is being scanned (it started at `m.mark`, or in an earlier chunk) at
 * `chunk[end]`. Returns the buffer holding all of its bytes, which are from `m.tokenStart` to
 * `m.tokenEnd` in it: `chunk` itself when the token lies in it, else the carry buffer, with the
 * token's last bytes appended. Either way the token is no longer carried.
 *
 * @example
 * ```ts
 * const src = endToken(m, chunk, q)
 * m.method = internMethod(src, m.tokenStart, m.tokenEnd)
 * const inChunk = src === chunk // its string can be sliced later (addPending)
 * ```
 */
export function endToken(m: MessageState, chunk: Buffer, end: number): Buffer {
  const mark = m.mark
  m.mark = -1
  if (m.carryLength === 0) {
    m.tokenStart = mark
    m.tokenEnd = end
    return chunk
  }
  const src = appendCarry(m, chunk, mark, end)
  m.tokenStart = 0
  m.tokenEnd = m.carryLength
  m.carryLength = 0
  return src
}

/**
 * At the end of `chunk`: keeps the bytes of the unfinished token (if any) for the next chunk.
 *
 * @example
 * ```ts
 * carryToken(m, chunk) // chunk is consumed; the token continues in the next one
 * ```
 */
export function carryToken(m: MessageState, chunk: Buffer): void {
  const mark = m.mark
  if (mark >= 0 && mark < chunk.length) appendCarry(m, chunk, mark, chunk.length)
  m.mark = -1
}

/**
 * Appends a placeholder to `m.rawHeaders` for the string `chunk[s..e)`, created by {@link materialize}
 * before the chunk goes away.
 *
 * @example
 * ```ts
 * if (src === chunk) addPending(m, m.tokenStart, m.tokenEnd)
 * else m.rawHeaders.push(latin1(src, m.tokenStart, m.tokenEnd))
 * ```
 */
export function addPending(m: MessageState, s: number, e: number): void {
  const raw = m.rawHeaders
  const pending = m.pending
  const i = m.pendingCount
  pending[i] = raw.length
  pending[i + 1] = s
  pending[i + 2] = e
  m.pendingCount = i + 3
  if (m.pendingStart < 0) m.pendingStart = s
  m.pendingEnd = e
  raw.push('')
}

/**
 * Creates the pending strings (and the pending target's): one latin1 decode of the bytes they span,
 * then cheap `String#slice`s of it (much faster than one native slice per string).
 *
 * @example
 * ```ts
 * if (m.pendingStart >= 0) materialize(m, chunk)
 * ```
 */
export function materialize(m: MessageState, chunk: Buffer): void {
  const lo = m.pendingStart
  const all = latin1(chunk, lo, m.pendingEnd)
  if (m.targetPending) {
    m.targetPending = false
    applyTarget(m, all.slice(m.targetStart - lo, m.targetEnd - lo))
  }
  const n = m.pendingCount
  if (n !== 0) {
    const raw = m.rawHeaders
    const pending = m.pending
    for (let i = 0; i < n; i += 3) raw[pending[i]] = all.slice(pending[i + 1] - lo, pending[i + 2] - lo)
    m.pendingCount = 0
  }
  m.pendingStart = -1
}
