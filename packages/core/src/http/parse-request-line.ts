/**
 * The request-line phase of the parser (RFC 9112 §3): `method SP request-target SP HTTP-version CRLF`,
 * after any empty lines, up to the first byte of the header section. Internal to the parser.
 *
 * The token scans are written out in the states, not called: V8 did not always inline a scanning
 * helper into these large functions, and a call per token cost up to a fifth of the parse.
 *
 * @module
 */
import * as bytes from './byte-scan.js'
import * as tables from './char-tables.js'
import * as states from './message-state.js'
import { equalsExact, isWs, latin1 } from './byte-scan.js'
import { type MessageState, failAt } from './message-state.js'
import type { ParseErrorCode } from './parse-error.js'
import { applyTarget, checkTarget } from './request-target.js'
import { endToken } from './token-text.js'

// Module-local copies of the imported constants: V8 reads an imported binding through its module
// cell at every use (no constant folding), which made the parser's loops ~15 % slower than with local
// constants (bench/README.md, "Parser micro-benchmark"). Keep the constants of hot code local.
const { CR, HTAB, LF, SLASH, SP } = bytes
const { TARGET_CHAR, TCHAR } = tables
const { S_FIELD_START, S_METHOD, S_REQUEST_LINE_LF, S_START, S_START_LF, S_TARGET, S_TARGET_START, S_VERSION, S_VERSION_END } = states

/** Returns the interned constant for a common method, else slices the bytes. */
function internMethod(src: Buffer, s: number, e: number): string {
  switch (e - s) {
    case 3:
      if (equalsExact(src, s, e, 'GET')) return 'GET'
      if (equalsExact(src, s, e, 'PUT')) return 'PUT'
      break
    case 4:
      if (equalsExact(src, s, e, 'POST')) return 'POST'
      if (equalsExact(src, s, e, 'HEAD')) return 'HEAD'
      break
    case 5:
      if (equalsExact(src, s, e, 'PATCH')) return 'PATCH'
      if (equalsExact(src, s, e, 'TRACE')) return 'TRACE'
      break
    case 6:
      if (equalsExact(src, s, e, 'DELETE')) return 'DELETE'
      break
    case 7:
      if (equalsExact(src, s, e, 'OPTIONS')) return 'OPTIONS'
      if (equalsExact(src, s, e, 'CONNECT')) return 'CONNECT'
      break
  }
  return latin1(src, s, e)
}

/** Moves `m` to the header section, which starts at `p`; returns `p`. */
function enterHeaderSection(m: MessageState, p: number): number {
  m.rawHeaders = []
  m.state = S_FIELD_START
  m.limitEnd = p + m.limits.maxHeaderSize
  return p
}

/**
 * Parses request-line bytes of `chunk` from `p` (`m.state` is one of `S_START` … `S_REQUEST_LINE_LF`)
 * until the request-line ends or the chunk does, enforcing `maxRequestLineSize`.
 *
 * @returns the offset of the first byte not consumed (`chunk.length`, or the start of the header
 *   section with `m.state` = `S_FIELD_START`); on invalid input, `-(offset + 1)` of the offending
 *   byte, with the reason in `m.failure`
 * @example
 * ```ts
 * const m = new MessageState(DEFAULT_PARSER_LIMITS, 0)
 * parseRequestLine(m, Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n'), 0) // 16
 * m.method // 'GET'
 * ```
 */
export function parseRequestLine(m: MessageState, chunk: Buffer, p: number): number {
  const len = chunk.length
  const limitEnd = m.limitEnd
  const tchar = TCHAR
  const targetChar = TARGET_CHAR
  let state = m.state
  while (p < len) {
    if (p >= limitEnd) return failAt(m, 'REQUEST_LINE_TOO_LONG', p)
    switch (state) {
      case S_START: {
        const b = chunk[p]
        if (tchar[b] === 1) {
          m.mark = p
          p++
          state = S_METHOD
        } else if (b === CR) {
          p++
          state = S_START_LF
        } else {
          return failAt(m, b === LF ? 'INVALID_LINE_ENDING' : isWs(b) ? 'INVALID_REQUEST_LINE' : 'INVALID_METHOD', p)
        }
        break
      }

      case S_START_LF:
        if (chunk[p] !== LF) return failAt(m, 'INVALID_LINE_ENDING', p)
        p++
        state = S_START
        break

      case S_METHOD: {
        const end = len < limitEnd ? len : limitEnd
        // Four bytes per step while they all match (written out: see the module comment).
        let q = p
        while (q + 4 <= end && (tchar[chunk[q]] & tchar[chunk[q + 1]] & tchar[chunk[q + 2]] & tchar[chunk[q + 3]]) === 1) q += 4
        while (q < end && tchar[chunk[q]] === 1) q++
        p = q
        if (q === end) break
        const b = chunk[q]
        if (b !== SP) {
          return failAt(m, b === LF ? 'INVALID_LINE_ENDING' : b === CR || b === HTAB ? 'INVALID_REQUEST_LINE' : 'INVALID_METHOD', q)
        }
        const src = endToken(m, chunk, q)
        m.method = internMethod(src, m.tokenStart, m.tokenEnd)
        p = q + 1
        state = S_TARGET_START
        break
      }

      case S_TARGET_START: {
        const b = chunk[p]
        if (targetChar[b] !== 1) {
          return failAt(
            m,
            b === LF ? 'INVALID_LINE_ENDING' : b === SP || b === CR || b === HTAB ? 'INVALID_REQUEST_LINE' : 'INVALID_TARGET',
            p,
          )
        }
        m.mark = p
        p++
        state = S_TARGET
        break
      }

      case S_TARGET: {
        const end = len < limitEnd ? len : limitEnd
        // Four bytes per step while they all match (written out: see the module comment).
        let q = p
        while (q + 4 <= end && (targetChar[chunk[q]] & targetChar[chunk[q + 1]] & targetChar[chunk[q + 2]] & targetChar[chunk[q + 3]]) === 1) q += 4
        while (q < end && targetChar[chunk[q]] === 1) q++
        p = q
        if (q === end) break
        const b = chunk[q]
        if (b !== SP) {
          return failAt(m, b === LF ? 'INVALID_LINE_ENDING' : b === CR || b === HTAB ? 'INVALID_REQUEST_LINE' : 'INVALID_TARGET', q)
        }
        const src = endToken(m, chunk, q)
        const s = m.tokenStart
        const e = m.tokenEnd
        const err: ParseErrorCode | null = checkTarget(m, src, s, e)
        if (err !== null) return failAt(m, err, q)
        if (src === chunk) {
          // The strings are sliced with the header fields' (token-text.ts).
          m.targetPending = true
          m.targetStart = s
          m.targetEnd = e
          m.pendingStart = s
          m.pendingEnd = e
        } else {
          applyTarget(m, latin1(src, s, e))
        }
        p = q + 1
        // Fast path for the common versions when the whole rest of the line is here.
        if (p + 10 <= len && p + 10 <= limitEnd && chunk[p] === 0x48 && chunk[p + 1] === 0x54 &&
            chunk[p + 2] === 0x54 && chunk[p + 3] === 0x50 && chunk[p + 4] === SLASH &&
            chunk[p + 5] === 0x31 && chunk[p + 6] === 0x2e && (chunk[p + 7] === 0x31 || chunk[p + 7] === 0x30) &&
            chunk[p + 8] === CR && chunk[p + 9] === LF) {
          m.versionMajor = 1
          m.versionMinor = chunk[p + 7] - 0x30
          return enterHeaderSection(m, p + 10)
        }
        m.versionIndex = 0
        state = S_VERSION
        break
      }

      case S_VERSION: {
        const b = chunk[p]
        const i = m.versionIndex
        if (b === LF) return failAt(m, 'INVALID_LINE_ENDING', p)
        if (i < 5) {
          if (b !== 'HTTP/'.charCodeAt(i)) {
            return failAt(m, i === 0 && (b === SP || b === HTAB || b === CR) ? 'INVALID_REQUEST_LINE' : 'INVALID_VERSION', p)
          }
        } else if (i === 6) {
          if (b !== 0x2e) return failAt(m, 'INVALID_VERSION', p)
        } else {
          const d = b - 0x30
          if (d < 0 || d > 9) return failAt(m, 'INVALID_VERSION', p)
          if (i === 5) m.versionMajor = d
          else m.versionMinor = d
        }
        p++
        if (i === 7) state = S_VERSION_END
        else m.versionIndex = i + 1
        break
      }

      case S_VERSION_END: {
        const b = chunk[p]
        if (b !== CR) {
          return failAt(m, b === LF ? 'INVALID_LINE_ENDING' : b === SP || b === HTAB ? 'INVALID_REQUEST_LINE' : 'INVALID_VERSION', p)
        }
        p++
        state = S_REQUEST_LINE_LF
        break
      }

      default: // S_REQUEST_LINE_LF
        if (chunk[p] !== LF) return failAt(m, 'INVALID_LINE_ENDING', p)
        if (m.versionMajor !== 1) return failAt(m, 'UNSUPPORTED_VERSION', p)
        // RFC 9110 §2.5, RFC 9112 §2.3: a higher minor version of HTTP/1 is processed as the highest
        // one we implement (1.1); the response says HTTP/1.1 (the writer always does).
        if (m.versionMinor > 1) m.versionMinor = 1
        return enterHeaderSection(m, p + 1)
    }
  }
  m.state = state
  return p
}
