/**
 * The chunked transfer coding (RFC 9112 §7.1): chunk-size lines with their extensions, chunk data and
 * its CRLF, up to the last chunk, after which the trailer section follows (parse-field-lines.ts).
 * Internal to the parser.
 *
 * @module
 */
import * as bytes from './byte-scan.js'
import * as tables from './char-tables.js'
import * as states from './message-state.js'
import { isWs } from './byte-scan.js'
import { type MessageState, failAt } from './message-state.js'
import type { ParserHandler } from './parser.js'

// Module-local copies of the imported constants: V8 reads an imported binding through its module
// cell at every use (no constant folding), which made the parser's loops ~15 % slower than with local
// constants (bench/README.md, "Parser micro-benchmark"). Keep the constants of hot code local.
const { BACKSLASH, CR, DQUOTE, EQUALS, HTAB, LF, SEMI } = bytes
const { HEX_VALUE, NOT_HEX, QDTEXT, TCHAR } = tables
const { S_CHUNK_DATA, S_CHUNK_DATA_CR, S_CHUNK_DATA_LF, S_CHUNK_EXT, S_CHUNK_SIZE, S_CHUNK_SIZE_LF, S_CHUNK_SIZE_MORE, S_FIELD_START } = states

// Chunk extension sub-states: *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ).
const X_AFTER_SIZE = 0 // right after the hex digits: ";" / BWS / CR
const X_BWS_SEMI = 1 // whitespace that must be followed by ";"
const X_NAME_START = 2 // after ";": BWS then a token
const X_NAME = 3
const X_BWS_EQ = 4 // whitespace after a name: "=" or ";"
const X_VALUE_START = 5 // after "=": BWS then token or quoted-string
const X_TOKEN_VALUE = 6
const X_QUOTED = 7
const X_QUOTED_ESCAPE = 8 // after "\\" inside a quoted-string
const X_AFTER_VALUE = 9 // after a complete extension: ";" / BWS / CR

/**
 * Scans chunk extensions from `p` until the CR ending the chunk-size line
 * or the end of `chunk`, enforcing `maxChunkExtensionSize` (`m.extLimitEnd`).
 *
 * @returns the index of the CR or `chunk.length`; on error `-(index + 1)`
 *   of the offending byte, with the reason in `m.failure`
 */
function scanChunkExtension(m: MessageState, chunk: Buffer, p: number): number {
  const len = chunk.length
  const limit = m.extLimitEnd
  let x = m.extState
  let q = p
  for (; q < len; q++) {
    const b = chunk[q]
    if (b === CR) {
      if (x === X_AFTER_SIZE || x === X_AFTER_VALUE || x === X_NAME || x === X_TOKEN_VALUE) break
      return failAt(m, 'INVALID_CHUNK_EXTENSION', q)
    }
    if (b === LF) return failAt(m, 'INVALID_LINE_ENDING', q)
    switch (x) {
      case X_AFTER_SIZE:
      case X_AFTER_VALUE:
        if (b === SEMI) x = X_NAME_START
        else if (isWs(b)) x = X_BWS_SEMI
        else return failAt(m, x === X_AFTER_SIZE ? 'INVALID_CHUNK_SIZE' : 'INVALID_CHUNK_EXTENSION', q)
        break
      case X_BWS_SEMI:
        if (b === SEMI) x = X_NAME_START
        else if (!isWs(b)) return failAt(m, 'INVALID_CHUNK_EXTENSION', q)
        break
      case X_NAME_START:
        if (TCHAR[b] === 1) x = X_NAME
        else if (!isWs(b)) return failAt(m, 'INVALID_CHUNK_EXTENSION', q)
        break
      case X_NAME:
        if (TCHAR[b] === 1) break
        if (b === EQUALS) x = X_VALUE_START
        else if (b === SEMI) x = X_NAME_START
        else if (isWs(b)) x = X_BWS_EQ
        else return failAt(m, 'INVALID_CHUNK_EXTENSION', q)
        break
      case X_BWS_EQ:
        if (b === EQUALS) x = X_VALUE_START
        else if (b === SEMI) x = X_NAME_START
        else if (!isWs(b)) return failAt(m, 'INVALID_CHUNK_EXTENSION', q)
        break
      case X_VALUE_START:
        if (TCHAR[b] === 1) x = X_TOKEN_VALUE
        else if (b === DQUOTE) x = X_QUOTED
        else if (!isWs(b)) return failAt(m, 'INVALID_CHUNK_EXTENSION', q)
        break
      case X_TOKEN_VALUE:
        if (TCHAR[b] === 1) break
        if (b === SEMI) x = X_NAME_START
        else if (isWs(b)) x = X_BWS_SEMI
        else return failAt(m, 'INVALID_CHUNK_EXTENSION', q)
        break
      case X_QUOTED:
        if (b === DQUOTE) x = X_AFTER_VALUE
        else if (b === BACKSLASH) x = X_QUOTED_ESCAPE
        else if (QDTEXT[b] !== 1) return failAt(m, 'INVALID_CHUNK_EXTENSION', q)
        break
      default:
        // X_QUOTED_ESCAPE: quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
        if (b !== HTAB && (b < 0x20 || b === 0x7f)) return failAt(m, 'INVALID_CHUNK_EXTENSION', q)
        x = X_QUOTED
        break
    }
    // A valid extension byte, but beyond the limit.
    if (q >= limit) return failAt(m, 'CHUNK_EXTENSION_TOO_LARGE', q)
  }
  m.extState = x
  return q
}

/**
 * Decodes chunked body bytes of `chunk` from `p` (`m.state` is one of `S_CHUNK_SIZE` …
 * `S_CHUNK_DATA_LF`), handing chunk data to `handler.onBody`, until the last-chunk line ends or the
 * chunk does.
 *
 * @returns the offset of the first byte not consumed (`chunk.length`, or the start of the trailer
 *   section, with `m.state` = `S_FIELD_START` and `m.inTrailers` set); on invalid input,
 *   `-(offset + 1)` of the offending byte, with the reason in `m.failure`
 * @example
 * ```ts
 * m.state = S_CHUNK_SIZE // the head said `Transfer-Encoding: chunked`
 * p = parseChunked(m, handler, Buffer.from('5;x=1\r\nhello\r\n0\r\n\r\n'), 0) // 17, at the trailers
 * ```
 */
export function parseChunked(m: MessageState, handler: ParserHandler, chunk: Buffer, p: number): number {
  const len = chunk.length
  let state = m.state
  while (p < len) {
    switch (state) {
      case S_CHUNK_SIZE: {
        const h = HEX_VALUE[chunk[p]]
        if (h === NOT_HEX) return failAt(m, 'INVALID_CHUNK_SIZE', p)
        m.remaining = h
        m.chunkDigits = 1
        p++
        state = S_CHUNK_SIZE_MORE
        break
      }

      case S_CHUNK_SIZE_MORE: {
        let q = p
        let size = m.remaining
        let digits = m.chunkDigits
        while (q < len) {
          const h = HEX_VALUE[chunk[q]]
          if (h === NOT_HEX) break
          size = size * 16 + h
          if (++digits > 15 || size > Number.MAX_SAFE_INTEGER) return failAt(m, 'INVALID_CHUNK_SIZE', q)
          q++
        }
        m.remaining = size
        m.chunkDigits = digits
        p = q
        if (q === len) break
        m.extState = X_AFTER_SIZE
        m.extLimitEnd = q + m.limits.maxChunkExtensionSize
        state = S_CHUNK_EXT
        break
      }

      case S_CHUNK_EXT: {
        const q = scanChunkExtension(m, chunk, p)
        if (q < 0) return q
        if (q < len) {
          p = q + 1 // the CR
          state = S_CHUNK_SIZE_LF
        } else {
          p = q
        }
        break
      }

      case S_CHUNK_SIZE_LF: {
        if (chunk[p] !== LF) return failAt(m, 'INVALID_LINE_ENDING', p)
        p++
        if (m.remaining === 0) {
          // last-chunk: the trailer section follows.
          m.state = S_FIELD_START
          m.inTrailers = true
          m.fieldCount = 0
          m.limitEnd = p + m.limits.maxTrailerSize
          return p
        }
        state = S_CHUNK_DATA
        break
      }

      case S_CHUNK_DATA: {
        const avail = len - p
        const remaining = m.remaining
        m.state = S_CHUNK_DATA // while the handler runs
        if (avail < remaining) {
          m.remaining = remaining - avail
          handler.onBody(chunk.subarray(p, len))
          p = len
        } else {
          const end = p + remaining
          m.remaining = 0
          m.state = state = S_CHUNK_DATA_CR
          handler.onBody(chunk.subarray(p, end))
          p = end
        }
        break
      }

      case S_CHUNK_DATA_CR:
        if (chunk[p] !== CR) return failAt(m, 'INVALID_CHUNK_DATA_END', p)
        p++
        state = S_CHUNK_DATA_LF
        break

      default: // S_CHUNK_DATA_LF
        if (chunk[p] !== LF) return failAt(m, 'INVALID_CHUNK_DATA_END', p)
        p++
        state = S_CHUNK_SIZE
        break
    }
  }
  m.state = state
  return p
}
