/**
 * The field-lines phase of the parser (RFC 9112 §5): the header section after the request-line, and
 * the trailer section after the last chunk, up to and including the empty line that ends them.
 * Internal to the parser.
 *
 * The token scans are written out in the states, not called: V8 did not always inline a scanning
 * helper into these large functions, and a call per token cost up to a fifth of the parse.
 *
 * @module
 */
import * as bytes from './byte-scan.js'
import * as tables from './char-tables.js'
import * as framing from './body-framing.js'
import * as states from './message-state.js'
import { isWs, latin1 } from './byte-scan.js'
import { classifyField, interpretField } from './body-framing.js'
import { type MessageState, failAt } from './message-state.js'
import type { ParseErrorCode } from './parse-error.js'
import { addPending, endToken } from './token-text.js'

// Module-local copies of the imported constants: V8 reads an imported binding through its module
// cell at every use (no constant folding), which made the parser's loops ~15 % slower than with local
// constants (bench/README.md, "Parser micro-benchmark"). Keep the constants of hot code local.
const { COLON, CR, LF } = bytes
const { FIELD_VALUE, TCHAR } = tables
const { K_HOST, K_OTHER } = framing
const { NO_LIMIT, S_FIELD_LF, S_FIELD_NAME, S_FIELD_OWS, S_FIELD_START, S_FIELD_VALUE, S_HEAD_DONE, S_MESSAGE_DONE, S_SECTION_END_LF } = states

/**
 * Records a complete field line whose value (after leading OWS) is `src[s..e)`, trailing SP/HTAB
 * included; interprets the framing fields.
 *
 * @param inChunk - `src` is the chunk being executed (the value string can be created later), not
 *   the carry buffer
 */
function addField(m: MessageState, src: Buffer, s: number, e: number, inChunk: boolean): ParseErrorCode | null {
  while (e > s && isWs(src[e - 1])) e--
  if (m.inTrailers) {
    const value = s === e ? '' : latin1(src, s, e)
    if (m.trailers === null) m.trailers = [m.fieldName, value]
    else m.trailers.push(m.fieldName, value)
    return null
  }
  if (s === e) m.rawHeaders.push('')
  else if (inChunk) addPending(m, s, e)
  else m.rawHeaders.push(latin1(src, s, e))
  return m.fieldKind === K_OTHER ? null : interpretField(m, src, s, e)
}

/** The error for byte `b` where a field line cannot have it. */
function badByte(m: MessageState, b: number, otherwise: ParseErrorCode): ParseErrorCode {
  return b === LF ? 'INVALID_LINE_ENDING' : m.inTrailers ? 'INVALID_TRAILER' : otherwise
}

/**
 * Parses field-line bytes of `chunk` from `p` (`m.state` is one of `S_FIELD_START` …
 * `S_SECTION_END_LF`) until the section ends or the chunk does, enforcing `maxHeaderCount` and the
 * section's size limit (`maxHeaderSize` or `maxTrailerSize`, set in `m.limitEnd` by whoever entered
 * the section).
 *
 * @returns the offset of the first byte not consumed (`chunk.length`, or the byte after the empty
 *   line, with `m.state` = `S_HEAD_DONE` after headers, `S_MESSAGE_DONE` after trailers); on invalid
 *   input, `-(offset + 1)` of the offending byte, with the reason in `m.failure`
 * @example
 * ```ts
 * p = parseFieldLines(m, chunk, p)
 * if (p >= 0 && m.state === S_HEAD_DONE) handler.onHead(buildHead(m))
 * ```
 */
export function parseFieldLines(m: MessageState, chunk: Buffer, p: number): number {
  const len = chunk.length
  const tchar = TCHAR
  const fieldValue = FIELD_VALUE
  let state = m.state
  let limitEnd = m.limitEnd
  while (p < len) {
    if (p >= limitEnd && limitEnd !== NO_LIMIT && (state !== S_FIELD_START || chunk[p] !== CR)) {
      return failAt(m, m.inTrailers ? 'TRAILERS_TOO_LARGE' : 'HEADERS_TOO_LARGE', p)
    }
    switch (state) {
      case S_FIELD_START: {
        const b = chunk[p]
        if (tchar[b] === 1) {
          if (m.fieldCount >= m.limits.maxHeaderCount) return failAt(m, 'TOO_MANY_HEADERS', p)
          m.fieldCount++
          m.mark = p
          p++
          state = S_FIELD_NAME
        } else if (b === CR) {
          p++
          state = S_SECTION_END_LF
          limitEnd = NO_LIMIT
        } else {
          return failAt(m, isWs(b) ? 'OBS_FOLD' : badByte(m, b, 'INVALID_HEADER_TOKEN'), p)
        }
        break
      }

      case S_FIELD_NAME: {
        const end = len < limitEnd ? len : limitEnd
        // Four bytes per step while they all match (written out: see the module comment).
        let q = p
        while (q + 4 <= end && (tchar[chunk[q]] & tchar[chunk[q + 1]] & tchar[chunk[q + 2]] & tchar[chunk[q + 3]]) === 1) q += 4
        while (q < end && tchar[chunk[q]] === 1) q++
        p = q
        if (q === end) break
        if (chunk[q] !== COLON) return failAt(m, badByte(m, chunk[q], 'INVALID_HEADER_TOKEN'), q)
        const src = endToken(m, chunk, q)
        const s = m.tokenStart
        const e = m.tokenEnd
        if (m.inTrailers) {
          m.fieldName = latin1(src, s, e)
        } else {
          const kind = classifyField(src, s, e)
          if (kind === K_HOST) {
            if (m.hostCount !== 0) return failAt(m, 'DUPLICATE_HOST', q)
            m.hostCount = 1
          }
          m.fieldKind = kind
          if (src === chunk) addPending(m, s, e)
          else m.rawHeaders.push(latin1(src, s, e))
        }
        p = q + 1
        state = S_FIELD_OWS
        break
      }

      case S_FIELD_OWS: {
        const end = len < limitEnd ? len : limitEnd
        let q = p
        while (q < end && isWs(chunk[q])) q++
        p = q
        if (q === end) break
        const b = chunk[q]
        if (b === CR) {
          const err = addField(m, chunk, q, q, true)
          if (err !== null) return failAt(m, err, q)
          p = q + 1
          state = S_FIELD_LF
        } else if (fieldValue[b] === 1) {
          m.mark = q
          p = q + 1
          state = S_FIELD_VALUE
        } else {
          return failAt(m, badByte(m, b, 'INVALID_HEADER_VALUE'), q)
        }
        break
      }

      case S_FIELD_VALUE: {
        const end = len < limitEnd ? len : limitEnd
        // Four bytes per step while they all match (written out: see the module comment).
        let q = p
        while (q + 4 <= end && (fieldValue[chunk[q]] & fieldValue[chunk[q + 1]] & fieldValue[chunk[q + 2]] & fieldValue[chunk[q + 3]]) === 1) q += 4
        while (q < end && fieldValue[chunk[q]] === 1) q++
        p = q
        if (q === end) break
        if (chunk[q] !== CR) return failAt(m, badByte(m, chunk[q], 'INVALID_HEADER_VALUE'), q)
        const src = endToken(m, chunk, q)
        const err = addField(m, src, m.tokenStart, m.tokenEnd, src === chunk)
        if (err !== null) return failAt(m, err, q)
        p = q + 1
        state = S_FIELD_LF
        break
      }

      case S_FIELD_LF:
        if (chunk[p] !== LF) return failAt(m, 'INVALID_LINE_ENDING', p)
        p++
        state = S_FIELD_START
        break

      default: // S_SECTION_END_LF
        if (chunk[p] !== LF) return failAt(m, 'INVALID_LINE_ENDING', p)
        m.state = m.inTrailers ? S_MESSAGE_DONE : S_HEAD_DONE
        m.limitEnd = NO_LIMIT
        return p + 1
    }
  }
  m.state = state
  m.limitEnd = limitEnd
  return p
}
