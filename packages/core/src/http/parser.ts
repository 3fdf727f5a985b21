import {
  FIELD_VALUE,
  HEX_VALUE,
  IP_LITERAL_CHAR,
  NOT_HEX,
  PATH_CHAR,
  QDTEXT,
  QUERY_CHAR,
  REG_NAME_CHAR,
  TARGET_CHAR,
  TCHAR,
} from './char-tables.js'
import { isIP } from 'node:net'
import type { ParseErrorCode } from './parse-error.js'
import { DEFAULT_PARSER_LIMITS, type ParserLimits } from './parser-limits.js'
import type { RequestHead } from './request-head.js'

/**
 * Callbacks of a {@link RequestParser}. They are called synchronously from
 * `execute`; exceptions they throw propagate out of `execute` and leave the
 * parser in an undefined state (call `reset` or discard it). Handlers must
 * not call `execute` re-entrantly.
 */
export interface ParserHandler {
  /**
   * The header section of a request is complete and valid.
   *
   * @param head - the parsed request-line and header fields
   */
  onHead(head: RequestHead): void
  /**
   * Body bytes, de-chunked. Never called with an empty buffer.
   *
   * @param chunk - a view into the buffer passed to `execute`, valid only
   *   during the call (copy it to keep it)
   */
  onBody(chunk: Buffer): void
  /**
   * The message is complete; the parser is between messages.
   *
   * @param trailers - trailer fields as flat `[name, value, ...]` pairs, or
   *   `null` when there were none (always `null` without chunked coding)
   * @returns `true` to pause the parser right after this message: `execute`
   *   then returns the number of bytes consumed so far, and the caller calls
   *   `resume` and `execute(rest)` later
   */
  onComplete(trailers: string[] | null): boolean | void
}

/** A Buffer with Node's (untyped) fast latin1 slicing method. */
interface Latin1Buffer extends Buffer {
  latin1Slice(start: number, end: number): string
}

/** Decodes `src[s..e)` as latin1 without going through the encoding lookup. */
const latin1: (src: Buffer, s: number, e: number) => string =
  typeof (Buffer.prototype as Partial<Latin1Buffer>).latin1Slice === 'function'
    ? (src, s, e) => (src as Latin1Buffer).latin1Slice(s, e)
    : (src, s, e) => src.toString('latin1', s, e)

// Bytes.
const HTAB = 0x09
const LF = 0x0a
const CR = 0x0d
const SP = 0x20
const DQUOTE = 0x22
const PERCENT = 0x25
const STAR = 0x2a
const COMMA = 0x2c
const SLASH = 0x2f
const COLON = 0x3a
const SEMI = 0x3b
const EQUALS = 0x3d
const QMARK = 0x3f
const LBRACKET = 0x5b
const BACKSLASH = 0x5c
const RBRACKET = 0x5d

/**
 * `limitEnd` while no limit applies (bodies). Limits are clamped below it so
 * that offsets stay small integers (V8 Smis) in the scanning loops.
 */
const NO_LIMIT = 0x3fffffff
/** The largest usable value of a size limit. */
const MAX_LIMIT = 0x1fffffff

/** Resolves a limit option: a non-negative integer, at most {@link MAX_LIMIT}. */
function limit(value: number | undefined, fallback: number): number {
  if (value === undefined || Number.isNaN(value)) return fallback
  return Math.max(0, Math.min(MAX_LIMIT, Math.floor(value)))
}

// Parser states.
const S_START = 0 // between messages; empty lines are skipped
const S_START_LF = 1 // CR of an empty line seen before the request-line
const S_METHOD = 2
const S_TARGET_START = 3
const S_TARGET = 4
const S_VERSION = 5 // matching "HTTP/" DIGIT "." DIGIT byte by byte
const S_VERSION_END = 6 // after the minor digit, CR expected
const S_REQUEST_LINE_LF = 7
const S_FIELD_START = 8 // start of a header or trailer line (or the empty line)
const S_FIELD_NAME = 9
const S_FIELD_OWS = 10 // OWS after the colon
const S_FIELD_VALUE = 11
const S_FIELD_LF = 12
const S_SECTION_END_LF = 13 // CR of the empty line ending headers/trailers seen
const S_BODY = 14 // Content-Length body
const S_CHUNK_SIZE = 15 // first hex digit of a chunk-size
const S_CHUNK_SIZE_MORE = 16
const S_CHUNK_EXT = 17
const S_CHUNK_SIZE_LF = 18
const S_CHUNK_DATA = 19
const S_CHUNK_DATA_CR = 20
const S_CHUNK_DATA_LF = 21
const S_DEAD = 22

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

// Header fields the parser interprets.
const K_OTHER = 0
const K_HOST = 1
const K_CONTENT_LENGTH = 2
const K_TRANSFER_ENCODING = 3
const K_CONNECTION = 4
const K_EXPECT = 5

/**
 * The offset of the first byte in `chunk[from, end)` whose `table` entry is not 1 (or `end`): four
 * bytes per step while they all match (the tables hold 0/1), then byte by byte.
 */
function scanWhile(table: Uint8Array, chunk: Buffer, from: number, end: number): number {
  let q = from
  while (q + 4 <= end && (table[chunk[q]] & table[chunk[q + 1]] & table[chunk[q + 2]] & table[chunk[q + 3]]) === 1) q += 4
  while (q < end && table[chunk[q]] === 1) q++
  return q
}

/** Lower-case ASCII bytes of `s`. */
function bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

/** Placeholder for `rawHeaders` before a request-line is complete; never mutated. */
const NO_FIELDS: string[] = []

const LC_HOST = bytes('host')
const LC_EXPECT = bytes('expect')
const LC_CONNECTION = bytes('connection')
const LC_CONTENT_LENGTH = bytes('content-length')
const LC_TRANSFER_ENCODING = bytes('transfer-encoding')
const LC_CHUNKED = bytes('chunked')
const LC_CLOSE = bytes('close')
const LC_KEEP_ALIVE = bytes('keep-alive')
const LC_100_CONTINUE = bytes('100-continue')

/**
 * True when `src[s..s+lit.length)` equals `lit` ignoring ASCII case.
 * `lit` must be lower case (letters, digits, `-`); `b | 0x20` folds only
 * letters onto it because the compared bytes are validated tokens or field
 * values, which contain no CTL (the only bytes that would fold onto a digit
 * or `-`).
 */
function equalsLower(src: Buffer, s: number, e: number, lit: Uint8Array): boolean {
  const n = lit.length
  if (e - s !== n) return false
  for (let i = 0; i < n; i++) if ((src[s + i] | 0x20) !== lit[i]) return false
  return true
}

/** True when `src[s..e)` equals the ASCII string `lit` exactly. */
function equalsExact(src: Buffer, s: number, e: number, lit: string): boolean {
  const n = lit.length
  if (e - s !== n) return false
  for (let i = 0; i < n; i++) if (src[s + i] !== lit.charCodeAt(i)) return false
  return true
}

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

/** Classifies a header field name (case-insensitively) into a `K_*` kind. */
function classifyField(src: Buffer, s: number, e: number): number {
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

/** True when `src[p]` is `%` followed by two hex digits before `e`. */
function isPctEncoded(src: Buffer, p: number, e: number): boolean {
  return p + 2 < e && HEX_VALUE[src[p + 1]] !== NOT_HEX && HEX_VALUE[src[p + 2]] !== NOT_HEX
}

/**
 * Validates `path [ "?" query ]` in `src[s..e)`: path bytes are pchar or `/`,
 * query bytes VCHAR except `#`, `%` always followed by two hex digits.
 *
 * @returns the index of the `?` (or `e` when there is no query), -1 when invalid
 */
function scanPathQuery(src: Buffer, s: number, e: number): number {
  let p = s
  while (p < e) {
    const b = src[p]
    if (PATH_CHAR[b] === 1) p++
    else if (b === QMARK) break
    else if (b === PERCENT && isPctEncoded(src, p, e)) p += 3
    else return -1
  }
  const q = p
  p++
  while (p < e) {
    const b = src[p]
    if (QUERY_CHAR[b] === 1) p++
    else if (b === PERCENT && isPctEncoded(src, p, e)) p += 3
    else return -1
  }
  return q
}

/**
 * Validates `uri-host [ ":" port ]` (RFC 9112 §3.2, RFC 3986 §3.2.2) in
 * `src[s..e)`. uri-host is an IP-literal (`[` IPv6address `]`, checked with
 * `node:net` `isIP`) or a reg-name (which includes IPv4); port is `*DIGIT`.
 *
 * @param requireHost - reject an empty uri-host
 * @param requirePort - require `:` and at least one port digit
 */
function validHostPort(src: Buffer, s: number, e: number, requireHost: boolean, requirePort: boolean): boolean {
  let p = s
  if (p < e && src[p] === LBRACKET) {
    p++
    const inner = p
    while (p < e && IP_LITERAL_CHAR[src[p]] === 1) p++
    if (p === inner || p >= e || src[p] !== RBRACKET) return false
    // RFC 3986 §3.2.2: the characters alone admit `[4712::abcd::]`; only an IPv6address is one.
    // (IPvFuture, `[v1.x]`, is refused: nothing can be served for it.)
    if (isIP(latin1(src, inner, p)) !== 6) return false
    p++
  } else {
    while (p < e) {
      const b = src[p]
      if (REG_NAME_CHAR[b] === 1) p++
      else if (b === PERCENT && isPctEncoded(src, p, e)) p += 3
      else break
    }
    if (requireHost && p === s) return false
  }
  if (p === e) return !requirePort
  if (src[p] !== COLON) return false
  p++
  const port = p
  while (p < e) {
    const d = src[p] - 0x30
    if (d < 0 || d > 9) return false
    p++
  }
  return !requirePort || p > port
}

/** True for SP and HTAB. */
function isWs(b: number): boolean {
  return b === SP || b === HTAB
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
 * An incremental, strict HTTP/1.1 request parser (RFC 9112).
 *
 * Feed it bytes with {@link RequestParser.execute} as they arrive, in chunks
 * of any size: the sequence of handler calls is the same for any split of
 * the same bytes (only the size of the `onBody` views differs). Pipelined
 * requests are parsed one after the other; `onComplete` can pause the parser
 * between them. `execute` never throws for any input; on invalid input it
 * sets {@link RequestParser.error} and the parser stays dead until `reset`.
 *
 * @example
 * ```ts
 * const parser = new RequestParser({
 *   onHead(head) { console.log(head.method, head.target) },
 *   onBody(chunk) { body.push(Buffer.from(chunk)) },
 *   onComplete() { return true }, // pause after each request
 * })
 * const n = parser.execute(data)
 * if (parser.error) respond(PARSE_ERROR_STATUS[parser.error])
 * ```
 */
export class RequestParser {
  /** The error that killed the parser, or `null`. Set once; `execute` then returns 0. */
  error: ParseErrorCode | null = null

  private readonly handler: ParserHandler
  private readonly maxRequestLineSize: number
  private readonly maxHeaderSize: number
  private readonly maxHeaderCount: number
  private readonly maxChunkExtensionSize: number
  private readonly maxTrailerSize: number

  private state = S_START
  private paused = false
  /** Offset (relative to the next chunk) of the first byte beyond the current section's limit. */
  private limitEnd: number
  /** Error reported when the current section exceeds `limitEnd`. */
  private limitCode: ParseErrorCode = 'REQUEST_LINE_TOO_LONG'
  /** Bytes of a token (method, target, field name or value) that started in an earlier chunk. */
  private partial: Buffer | null = null
  private partialLen = 0

  // Request-line.
  private method = ''
  private target = ''
  private path = ''
  private query = ''
  private targetForm: RequestHead['targetForm'] = 'origin'
  private targetHost = ''
  // Structure of the target found by checkTarget, as offsets from its first byte.
  private targetPathEnd = 0
  private targetQueryStart = -1
  private targetHostStart = 0
  private targetHostEnd = 0
  private versionIndex = 0
  private versionMajor = 0
  private versionMinor = 0

  // Header / trailer fields.
  private rawHeaders: string[] = NO_FIELDS
  private trailers: string[] | null = null
  private inTrailers = false
  private fieldCount = 0
  /** Name of the trailer field being parsed. */
  private fieldName = ''
  private fieldKind = K_OTHER
  private hostCount = 0
  /** Index in rawHeaders of the Host value, -1 without Host. */
  private hostIndex = -1
  private contentLength = -1
  private teSeen = false
  private teChunkedCount = 0
  private teLastChunked = false
  private teOther = 0
  private connectionClose = false
  private connectionKeepAlive = false
  private expect: RequestHead['expect'] = 'none'

  // Strings of the head not created yet: they are sliced from one latin1
  // string of the current chunk when the head completes or the chunk ends.
  /** `[rawHeaders index, start, end]` triples, offsets into the current chunk. */
  private readonly pending: number[] = []
  private pendingCount = 0
  /** First byte covered by pending strings (or the pending target), -1 when nothing is pending. */
  private pendingStart = -1
  private pendingEnd = 0
  private targetPending = false
  private targetStart = 0
  private targetEnd = 0

  // Body.
  private remaining = 0
  private chunkDigits = 0
  private extState = X_AFTER_SIZE
  private extLimitEnd = 0

  /**
   * Creates a parser.
   *
   * @param handler - receives the parsed messages
   * @param limits - overrides of {@link DEFAULT_PARSER_LIMITS}; each is
   *   floored and clamped to 0..2^29-1
   */
  constructor(handler: ParserHandler, limits?: Partial<ParserLimits>) {
    this.handler = handler
    this.maxRequestLineSize = limit(limits?.maxRequestLineSize, DEFAULT_PARSER_LIMITS.maxRequestLineSize)
    this.maxHeaderSize = limit(limits?.maxHeaderSize, DEFAULT_PARSER_LIMITS.maxHeaderSize)
    this.maxHeaderCount = limit(limits?.maxHeaderCount, DEFAULT_PARSER_LIMITS.maxHeaderCount)
    this.maxChunkExtensionSize = limit(limits?.maxChunkExtensionSize, DEFAULT_PARSER_LIMITS.maxChunkExtensionSize)
    this.maxTrailerSize = limit(limits?.maxTrailerSize, DEFAULT_PARSER_LIMITS.maxTrailerSize)
    this.limitEnd = this.maxRequestLineSize
  }

  /**
   * True when no byte of a next message has been seen: the parser is between
   * messages (empty lines before a request-line are ignored and do not count
   * as a message; a dangling CR does). False once the parser failed.
   */
  get idle(): boolean {
    return this.state === S_START && this.error === null
  }

  /**
   * Clears a pause requested by `onComplete`. The caller then passes the
   * unconsumed rest of the input to `execute` again.
   */
  resume(): void {
    this.paused = false
  }

  /** Returns the parser to its initial state (clearing any error and pause) for reuse. */
  reset(): void {
    this.error = null
    this.state = S_START
    this.paused = false
    this.limitEnd = this.maxRequestLineSize
    this.limitCode = 'REQUEST_LINE_TOO_LONG'
    this.partialLen = 0
    this.beginMessage()
    this.rawHeaders = NO_FIELDS
  }

  /**
   * Signals the end of the input (the peer closed its side).
   *
   * @returns `null` when the input ended between messages, else the error
   *   (`INCOMPLETE_MESSAGE`, or the error the parser already had)
   */
  finish(): ParseErrorCode | null {
    if (this.error !== null) return this.error
    if (this.state === S_START) return null
    this.fail('INCOMPLETE_MESSAGE')
    return this.error
  }

  /**
   * Parses the next bytes of the input.
   *
   * @param chunk - the next bytes; only read during the call (partial tokens
   *   are copied), body views passed to `onBody` point into it
   * @returns the number of bytes consumed: `chunk.length`, unless
   *   `onComplete` paused the parser (the rest starts the next message) or an
   *   error occurred (the offset of the offending byte); 0 when the parser is
   *   paused or dead
   */
  execute(chunk: Buffer): number {
    if (this.error !== null || this.paused) return 0
    const len = chunk.length
    let p = 0
    let state = this.state
    let limitEnd = this.limitEnd
    /** Start of the token being scanned in `chunk`, or -1. A token continued from an earlier chunk starts at 0. */
    let mark = this.partialLen > 0 ? 0 : -1
    // Tables as locals: the scanning loops then index them straight from registers.
    const tchar = TCHAR
    const fieldValue = FIELD_VALUE
    const targetChar = TARGET_CHAR

    while (p < len) {
      if (p >= limitEnd && limitEnd !== NO_LIMIT && (state !== S_FIELD_START || chunk[p] !== CR)) {
        return this.fail(this.limitCode, p)
      }
      switch (state) {
        case S_START: {
          const b = chunk[p]
          if (tchar[b] === 1) {
            this.beginMessage()
            mark = p
            p++
            state = S_METHOD
          } else if (b === CR) {
            p++
            state = S_START_LF
          } else {
            return this.fail(b === LF ? 'INVALID_LINE_ENDING' : isWs(b) ? 'INVALID_REQUEST_LINE' : 'INVALID_METHOD', p)
          }
          break
        }

        case S_START_LF:
          if (chunk[p] !== LF) return this.fail('INVALID_LINE_ENDING', p)
          p++
          state = S_START
          break

        case S_METHOD: {
          const end = len < limitEnd ? len : limitEnd
          let q = p
          q = scanWhile(tchar, chunk, q, end)
          p = q
          if (q === end) break
          const b = chunk[q]
          if (b !== SP) {
            return this.fail(
              b === LF ? 'INVALID_LINE_ENDING' : b === CR || b === HTAB ? 'INVALID_REQUEST_LINE' : 'INVALID_METHOD',
              q,
            )
          }
          if (this.partialLen === 0) {
            this.method = internMethod(chunk, mark, q)
          } else {
            const src = this.appendPartial(chunk, mark, q)
            this.method = internMethod(src, 0, this.partialLen)
            this.partialLen = 0
          }
          mark = -1
          p = q + 1
          state = S_TARGET_START
          break
        }

        case S_TARGET_START: {
          const b = chunk[p]
          if (targetChar[b] === 1) {
            mark = p
            p++
            state = S_TARGET
          } else {
            return this.fail(
              b === LF ? 'INVALID_LINE_ENDING' : b === SP || b === CR || b === HTAB ? 'INVALID_REQUEST_LINE' : 'INVALID_TARGET',
              p,
            )
          }
          break
        }

        case S_TARGET: {
          const end = len < limitEnd ? len : limitEnd
          let q = p
          q = scanWhile(targetChar, chunk, q, end)
          p = q
          if (q === end) break
          const b = chunk[q]
          if (b !== SP) {
            return this.fail(
              b === LF ? 'INVALID_LINE_ENDING' : b === CR || b === HTAB ? 'INVALID_REQUEST_LINE' : 'INVALID_TARGET',
              q,
            )
          }
          let err: ParseErrorCode | null
          if (this.partialLen === 0) {
            err = this.checkTarget(chunk, mark, q)
            if (err === null) {
              this.targetPending = true
              this.targetStart = mark
              this.targetEnd = q
              this.pendingStart = mark
              this.pendingEnd = q
            }
          } else {
            const src = this.appendPartial(chunk, mark, q)
            const n = this.partialLen
            this.partialLen = 0
            err = this.checkTarget(src, 0, n)
            if (err === null) this.applyTarget(latin1(src, 0, n))
          }
          if (err !== null) return this.fail(err, q)
          mark = -1
          p = q + 1
          // Fast path for the common versions when the whole rest of the line is here.
          if (p + 10 <= len && p + 10 <= limitEnd && chunk[p] === 0x48 && chunk[p + 1] === 0x54 &&
              chunk[p + 2] === 0x54 && chunk[p + 3] === 0x50 && chunk[p + 4] === SLASH &&
              chunk[p + 5] === 0x31 && chunk[p + 6] === 0x2e && (chunk[p + 7] === 0x31 || chunk[p + 7] === 0x30) &&
              chunk[p + 8] === CR && chunk[p + 9] === LF) {
            this.versionMajor = 1
            this.versionMinor = chunk[p + 7] - 0x30
            p += 10
            this.rawHeaders = []
            state = S_FIELD_START
            limitEnd = p + this.maxHeaderSize
            this.limitCode = 'HEADERS_TOO_LARGE'
            break
          }
          this.versionIndex = 0
          state = S_VERSION
          break
        }

        case S_VERSION: {
          const b = chunk[p]
          const i = this.versionIndex
          if (b === LF) return this.fail('INVALID_LINE_ENDING', p)
          if (i < 5) {
            if (b !== 'HTTP/'.charCodeAt(i)) {
              return this.fail(i === 0 && (b === SP || b === HTAB || b === CR) ? 'INVALID_REQUEST_LINE' : 'INVALID_VERSION', p)
            }
          } else if (i === 6) {
            if (b !== 0x2e) return this.fail('INVALID_VERSION', p)
          } else {
            const d = b - 0x30
            if (d < 0 || d > 9) return this.fail('INVALID_VERSION', p)
            if (i === 5) this.versionMajor = d
            else this.versionMinor = d
          }
          p++
          if (i === 7) state = S_VERSION_END
          else this.versionIndex = i + 1
          break
        }

        case S_VERSION_END: {
          const b = chunk[p]
          if (b !== CR) {
            return this.fail(
              b === LF ? 'INVALID_LINE_ENDING' : b === SP || b === HTAB ? 'INVALID_REQUEST_LINE' : 'INVALID_VERSION',
              p,
            )
          }
          p++
          state = S_REQUEST_LINE_LF
          break
        }

        case S_REQUEST_LINE_LF:
          if (chunk[p] !== LF) return this.fail('INVALID_LINE_ENDING', p)
          if (this.versionMajor !== 1) return this.fail('UNSUPPORTED_VERSION', p)
          // RFC 9110 §2.5, RFC 9112 §2.3: a higher minor version of HTTP/1 is processed as the highest
          // one we implement (1.1); the response says HTTP/1.1 (the writer always does).
          if (this.versionMinor > 1) this.versionMinor = 1
          p++
          this.rawHeaders = []
          state = S_FIELD_START
          limitEnd = p + this.maxHeaderSize
          this.limitCode = 'HEADERS_TOO_LARGE'
          break

        case S_FIELD_START: {
          const b = chunk[p]
          if (tchar[b] === 1) {
            if (this.fieldCount >= this.maxHeaderCount) return this.fail('TOO_MANY_HEADERS', p)
            this.fieldCount++
            mark = p
            p++
            state = S_FIELD_NAME
          } else if (b === CR) {
            p++
            state = S_SECTION_END_LF
            limitEnd = NO_LIMIT
          } else {
            return this.fail(
              isWs(b) ? 'OBS_FOLD' : b === LF ? 'INVALID_LINE_ENDING' : this.inTrailers ? 'INVALID_TRAILER' : 'INVALID_HEADER_TOKEN',
              p,
            )
          }
          break
        }

        case S_FIELD_NAME: {
          const end = len < limitEnd ? len : limitEnd
          let q = p
          q = scanWhile(tchar, chunk, q, end)
          p = q
          if (q === end) break
          const b = chunk[q]
          if (b !== COLON) {
            return this.fail(b === LF ? 'INVALID_LINE_ENDING' : this.inTrailers ? 'INVALID_TRAILER' : 'INVALID_HEADER_TOKEN', q)
          }
          let src = chunk
          let s = mark
          let e = q
          const continued = this.partialLen !== 0
          if (continued) {
            src = this.appendPartial(chunk, mark, q)
            s = 0
            e = this.partialLen
            this.partialLen = 0
          }
          if (this.inTrailers) {
            this.fieldName = latin1(src, s, e)
          } else {
            const kind = classifyField(src, s, e)
            if (kind === K_HOST) {
              if (this.hostCount !== 0) return this.fail('DUPLICATE_HOST', q)
              this.hostCount = 1
            }
            this.fieldKind = kind
            if (continued) this.rawHeaders.push(latin1(src, s, e))
            else this.addPending(s, e)
          }
          mark = -1
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
            const err = this.addField(chunk, q, q, true)
            if (err !== null) return this.fail(err, q)
            p = q + 1
            state = S_FIELD_LF
          } else if (fieldValue[b] === 1) {
            mark = q
            p = q + 1
            state = S_FIELD_VALUE
          } else {
            return this.fail(b === LF ? 'INVALID_LINE_ENDING' : this.inTrailers ? 'INVALID_TRAILER' : 'INVALID_HEADER_VALUE', q)
          }
          break
        }

        case S_FIELD_VALUE: {
          const end = len < limitEnd ? len : limitEnd
          let q = p
          q = scanWhile(fieldValue, chunk, q, end)
          p = q
          if (q === end) break
          const b = chunk[q]
          if (b !== CR) {
            return this.fail(b === LF ? 'INVALID_LINE_ENDING' : this.inTrailers ? 'INVALID_TRAILER' : 'INVALID_HEADER_VALUE', q)
          }
          let err: ParseErrorCode | null
          if (this.partialLen === 0) {
            err = this.addField(chunk, mark, q, true)
          } else {
            const src = this.appendPartial(chunk, mark, q)
            const n = this.partialLen
            this.partialLen = 0
            err = this.addField(src, 0, n, false)
          }
          if (err !== null) return this.fail(err, q)
          mark = -1
          p = q + 1
          state = S_FIELD_LF
          break
        }

        case S_FIELD_LF:
          if (chunk[p] !== LF) return this.fail('INVALID_LINE_ENDING', p)
          p++
          state = S_FIELD_START
          break

        case S_SECTION_END_LF: {
          if (chunk[p] !== LF) return this.fail('INVALID_LINE_ENDING', p)
          p++
          if (!this.inTrailers) {
            const err = this.headComplete()
            if (err !== null) return this.fail(err, p - 1)
            if (this.pendingStart >= 0) this.materialize(chunk)
            const chunked = this.teSeen
            if (chunked) state = S_CHUNK_SIZE
            else if (this.contentLength > 0) state = S_BODY
            else state = S_START
            this.remaining = chunked ? 0 : this.contentLength
            // Not idle while the handler sees the head, even without a body.
            this.state = state === S_START ? S_BODY : state
            this.handler.onHead(this.buildHead(chunked))
            if (state !== S_START) break
          }
          // Message complete (no body, or end of the trailer section).
          state = S_START
          limitEnd = p + this.maxRequestLineSize
          this.limitCode = 'REQUEST_LINE_TOO_LONG'
          if (this.complete()) {
            this.limitEnd = limitEnd - p
            return p
          }
          break
        }

        case S_BODY: {
          const avail = len - p
          const remaining = this.remaining
          if (avail < remaining) {
            this.remaining = remaining - avail
            this.state = S_BODY
            this.handler.onBody(chunk.subarray(p, len))
            p = len
            break
          }
          const end = p + remaining
          this.remaining = 0
          this.state = S_BODY
          this.handler.onBody(chunk.subarray(p, end))
          p = end
          state = S_START
          limitEnd = p + this.maxRequestLineSize
          this.limitCode = 'REQUEST_LINE_TOO_LONG'
          if (this.complete()) {
            this.limitEnd = limitEnd - p
            return p
          }
          break
        }

        case S_CHUNK_SIZE: {
          const h = HEX_VALUE[chunk[p]]
          if (h === NOT_HEX) return this.fail('INVALID_CHUNK_SIZE', p)
          this.remaining = h
          this.chunkDigits = 1
          p++
          state = S_CHUNK_SIZE_MORE
          break
        }

        case S_CHUNK_SIZE_MORE: {
          let q = p
          let size = this.remaining
          let digits = this.chunkDigits
          while (q < len) {
            const h = HEX_VALUE[chunk[q]]
            if (h === NOT_HEX) break
            size = size * 16 + h
            if (++digits > 15 || size > Number.MAX_SAFE_INTEGER) return this.fail('INVALID_CHUNK_SIZE', q)
            q++
          }
          this.remaining = size
          this.chunkDigits = digits
          p = q
          if (q === len) break
          this.extState = X_AFTER_SIZE
          this.extLimitEnd = q + this.maxChunkExtensionSize
          state = S_CHUNK_EXT
          break
        }

        case S_CHUNK_EXT: {
          const q = this.scanChunkExtension(chunk, p)
          if (q < 0) return -q - 1
          if (q < len && chunk[q] === CR) {
            p = q + 1
            state = S_CHUNK_SIZE_LF
          } else {
            p = q
          }
          break
        }

        case S_CHUNK_SIZE_LF: {
          if (chunk[p] !== LF) return this.fail('INVALID_LINE_ENDING', p)
          p++
          if (this.remaining === 0) {
            // last-chunk: the trailer section follows.
            state = S_FIELD_START
            this.inTrailers = true
            this.fieldCount = 0
            limitEnd = p + this.maxTrailerSize
            this.limitCode = 'TRAILERS_TOO_LARGE'
          } else {
            state = S_CHUNK_DATA
          }
          break
        }

        case S_CHUNK_DATA: {
          const avail = len - p
          const remaining = this.remaining
          if (avail < remaining) {
            this.remaining = remaining - avail
            this.state = S_CHUNK_DATA
            this.handler.onBody(chunk.subarray(p, len))
            p = len
          } else {
            const end = p + remaining
            this.remaining = 0
            this.state = S_CHUNK_DATA_CR
            this.handler.onBody(chunk.subarray(p, end))
            p = end
            state = S_CHUNK_DATA_CR
          }
          break
        }

        case S_CHUNK_DATA_CR:
          if (chunk[p] !== CR) return this.fail('INVALID_CHUNK_DATA_END', p)
          p++
          state = S_CHUNK_DATA_LF
          break

        case S_CHUNK_DATA_LF:
          if (chunk[p] !== LF) return this.fail('INVALID_CHUNK_DATA_END', p)
          p++
          state = S_CHUNK_SIZE
          break

        default:
          return this.fail(this.error ?? 'INCOMPLETE_MESSAGE', p)
      }
    }

    // Out of input: create the strings still pointing into the chunk and keep
    // the bytes of an unfinished token.
    if (this.pendingStart >= 0) this.materialize(chunk)
    if (mark >= 0 && mark < len) this.appendPartial(chunk, mark, len)
    this.state = state
    this.limitEnd = limitEnd >= NO_LIMIT ? NO_LIMIT : limitEnd - len
    if (state === S_CHUNK_EXT) this.extLimitEnd -= len
    return len
  }

  /** Marks the parser dead with `code`; returns `at` for `execute` to return. */
  private fail(code: ParseErrorCode, at = 0): number {
    if (this.error === null) this.error = code
    this.state = S_DEAD
    this.partialLen = 0
    this.pendingCount = 0
    this.pendingStart = -1
    this.targetPending = false
    return at
  }

  /** Appends `chunk[from..to)` to the partial-token buffer and returns the buffer. */
  private appendPartial(chunk: Buffer, from: number, to: number): Buffer {
    const n = to - from
    const need = this.partialLen + n
    let buf = this.partial
    if (buf === null || buf.length < need) {
      const grown = Buffer.allocUnsafe(Math.max(need, buf === null ? 256 : buf.length * 2))
      if (buf !== null) buf.copy(grown, 0, 0, this.partialLen)
      this.partial = buf = grown
    }
    chunk.copy(buf, this.partialLen, from, to)
    this.partialLen = need
    return buf
  }

  /** Clears the per-message state at the first byte of a request-line. */
  private beginMessage(): void {
    this.method = ''
    this.target = ''
    this.path = ''
    this.query = ''
    this.targetForm = 'origin'
    this.targetHost = ''
    this.versionMajor = 0
    this.versionMinor = 0
    this.rawHeaders = NO_FIELDS
    this.trailers = null
    this.inTrailers = false
    this.fieldCount = 0
    this.fieldName = ''
    this.fieldKind = K_OTHER
    this.hostCount = 0
    this.hostIndex = -1
    this.pendingCount = 0
    this.pendingStart = -1
    this.targetPending = false
    this.contentLength = -1
    this.teSeen = false
    this.teChunkedCount = 0
    this.teLastChunked = false
    this.teOther = 0
    this.connectionClose = false
    this.connectionKeepAlive = false
    this.expect = 'none'
    this.remaining = 0
  }

  /** Ends the current message; returns true when the handler asked to pause. */
  private complete(): boolean {
    const trailers = this.trailers
    this.trailers = null
    this.inTrailers = false
    this.state = S_START
    if (this.handler.onComplete(trailers) === true) {
      this.paused = true
      return true
    }
    return false
  }

  /**
   * Validates the request-target `src[s..e)` against the method (RFC 9112
   * §3.2) and records its form and structure; the strings are created by
   * {@link RequestParser.applyTarget}.
   */
  private checkTarget(src: Buffer, s: number, e: number): ParseErrorCode | null {
    const method = this.method
    const first = src[s]
    if (method === 'CONNECT') {
      // authority-form only (RFC 9112 §3.2.3): uri-host ":" port, no userinfo.
      if (!validHostPort(src, s, e, true, true)) return 'INVALID_TARGET'
      this.targetForm = 'authority'
      return null
    }
    if (first === SLASH) {
      const q = scanPathQuery(src, s, e)
      if (q < 0) return 'INVALID_TARGET'
      this.targetForm = 'origin'
      this.targetPathEnd = q - s
      this.targetQueryStart = q === e ? -1 : q - s + 1
      return null
    }
    if (first === STAR) {
      // asterisk-form only for OPTIONS (RFC 9112 §3.2.4).
      if (e - s !== 1 || method !== 'OPTIONS') return 'INVALID_TARGET'
      this.targetForm = 'asterisk'
      return null
    }
    // absolute-form (RFC 9112 §3.2.2): "http" / "https" "://" authority path-abempty [ "?" query ].
    let p = s
    if (e - s < 7 || (src[p] | 0x20) !== 0x68 || (src[p + 1] | 0x20) !== 0x74 ||
        (src[p + 2] | 0x20) !== 0x74 || (src[p + 3] | 0x20) !== 0x70) {
      return 'INVALID_TARGET'
    }
    p += 4
    if ((src[p] | 0x20) === 0x73) p++
    if (p + 2 >= e || src[p] !== COLON || src[p + 1] !== SLASH || src[p + 2] !== SLASH) return 'INVALID_TARGET'
    p += 3
    const authority = p
    while (p < e && src[p] !== SLASH && src[p] !== QMARK) p++
    const authorityEnd = p
    if (!validHostPort(src, authority, authorityEnd, true, false)) return 'INVALID_TARGET'
    const q = scanPathQuery(src, authorityEnd, e)
    if (q < 0) return 'INVALID_TARGET'
    this.targetForm = 'absolute'
    this.targetHostStart = authority - s
    this.targetHostEnd = authorityEnd - s
    this.targetPathEnd = q - s
    this.targetQueryStart = q === e ? -1 : q - s + 1
    return null
  }

  /** Sets target, path, query and the target's authority from the checked target string. */
  private applyTarget(target: string): void {
    this.target = target
    switch (this.targetForm) {
      case 'origin':
        if (this.targetQueryStart < 0) {
          this.path = target
          this.query = ''
        } else {
          this.path = target.slice(0, this.targetPathEnd)
          this.query = target.slice(this.targetQueryStart)
        }
        break
      case 'absolute':
        this.targetHost = target.slice(this.targetHostStart, this.targetHostEnd)
        this.path = this.targetPathEnd === this.targetHostEnd ? '/' : target.slice(this.targetHostEnd, this.targetPathEnd)
        this.query = this.targetQueryStart < 0 ? '' : target.slice(this.targetQueryStart)
        break
      case 'asterisk':
        this.path = '*'
        this.query = ''
        break
      default:
        this.targetHost = target
        this.path = ''
        this.query = ''
        break
    }
  }

  /** Appends a placeholder to rawHeaders for the string `chunk[s..e)`, created by `materialize`. */
  private addPending(s: number, e: number): void {
    const raw = this.rawHeaders
    const pending = this.pending
    const i = this.pendingCount
    pending[i] = raw.length
    pending[i + 1] = s
    pending[i + 2] = e
    this.pendingCount = i + 3
    if (this.pendingStart < 0) this.pendingStart = s
    this.pendingEnd = e
    raw.push('')
  }

  /**
   * Creates the pending strings: one latin1 decode of the bytes they span,
   * then cheap `String#slice`s of it (much faster than one native slice per
   * string).
   */
  private materialize(chunk: Buffer): void {
    const lo = this.pendingStart
    const all = latin1(chunk, lo, this.pendingEnd)
    if (this.targetPending) {
      this.targetPending = false
      this.applyTarget(all.slice(this.targetStart - lo, this.targetEnd - lo))
    }
    const raw = this.rawHeaders
    const pending = this.pending
    const n = this.pendingCount
    for (let i = 0; i < n; i += 3) raw[pending[i]] = all.slice(pending[i + 1] - lo, pending[i + 2] - lo)
    this.pendingCount = 0
    this.pendingStart = -1
  }

  /**
   * Records a complete field line whose value (after leading OWS) is
   * `src[s..e)`, trailing SP/HTAB included; interprets the framing fields.
   *
   * @param inChunk - `src` is the chunk being executed (the value string can
   *   be created later), not the partial-token buffer
   */
  private addField(src: Buffer, s: number, e: number, inChunk: boolean): ParseErrorCode | null {
    while (e > s && isWs(src[e - 1])) e--
    if (this.inTrailers) {
      const value = s === e ? '' : latin1(src, s, e)
      if (this.trailers === null) this.trailers = [this.fieldName, value]
      else this.trailers.push(this.fieldName, value)
      return null
    }
    if (s === e) this.rawHeaders.push('')
    else if (inChunk) this.addPending(s, e)
    else this.rawHeaders.push(latin1(src, s, e))
    switch (this.fieldKind) {
      case K_OTHER:
        return null
      case K_HOST:
        this.fieldKind = K_OTHER
        if (!validHostPort(src, s, e, false, false)) return 'INVALID_HOST'
        this.hostIndex = this.rawHeaders.length - 1
        return null
      case K_CONTENT_LENGTH: {
        this.fieldKind = K_OTHER
        const n = parseContentLength(src, s, e)
        if (n < 0 || (this.contentLength >= 0 && n !== this.contentLength)) return 'INVALID_CONTENT_LENGTH'
        this.contentLength = n
        return null
      }
      case K_TRANSFER_ENCODING:
        this.fieldKind = K_OTHER
        if (this.versionMinor === 0) return 'INVALID_TRANSFER_ENCODING'
        return this.addTransferCodings(src, s, e)
      case K_CONNECTION:
        this.fieldKind = K_OTHER
        this.addConnectionOptions(src, s, e)
        return null
      case K_EXPECT:
        this.fieldKind = K_OTHER
        if (this.versionMinor === 1 && this.expect !== 'unknown') {
          this.expect = equalsLower(src, s, e, LC_100_CONTINUE) ? 'continue' : 'unknown'
        }
        return null
      default:
        return null
    }
  }

  /**
   * Adds the codings of a Transfer-Encoding field value (a comma list of
   * tokens; empty elements are ignored, parameters are not accepted).
   */
  private addTransferCodings(src: Buffer, s: number, e: number): ParseErrorCode | null {
    this.teSeen = true
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
        this.teChunkedCount++
        this.teLastChunked = true
      } else {
        this.teOther++
        this.teLastChunked = false
      }
    }
    return null
  }

  /** Records the `close` and `keep-alive` options of a Connection field value. */
  private addConnectionOptions(src: Buffer, s: number, e: number): void {
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
      if (equalsLower(src, start, end, LC_CLOSE)) this.connectionClose = true
      else if (equalsLower(src, start, end, LC_KEEP_ALIVE)) this.connectionKeepAlive = true
    }
  }

  /** Checks the rules that need the whole header section (RFC 9112 §3.2, §6.1). */
  private headComplete(): ParseErrorCode | null {
    if (this.hostCount === 0 && this.versionMinor === 1) return 'MISSING_HOST'
    if (this.teSeen) {
      if (this.contentLength >= 0) return 'CL_TE_CONFLICT'
      if (this.teChunkedCount !== 1 || !this.teLastChunked) return 'INVALID_TRANSFER_ENCODING'
      if (this.teOther !== 0) return 'UNSUPPORTED_TRANSFER_ENCODING'
    }
    return null
  }

  /** Builds the head handed to `onHead`. */
  private buildHead(chunked: boolean): RequestHead {
    const minor = this.versionMinor === 1 ? 1 : 0
    const form = this.targetForm
    return {
      method: this.method,
      target: this.target,
      path: this.path,
      query: this.query,
      targetForm: form,
      versionMinor: minor,
      rawHeaders: this.rawHeaders,
      host: form === 'absolute' || form === 'authority' ? this.targetHost : this.hostIndex >= 0 ? this.rawHeaders[this.hostIndex] : '',
      contentLength: this.contentLength,
      chunked,
      keepAlive: minor === 1 ? !this.connectionClose : this.connectionKeepAlive && !this.connectionClose,
      expect: this.expect,
    }
  }

  /**
   * Scans chunk extensions from `p` until the CR ending the chunk-size line
   * or the end of `chunk`, enforcing `maxChunkExtensionSize`.
   *
   * @returns the index of the CR or `chunk.length`; on error the parser is
   *   failed and `-(index + 1)` of the offending byte is returned
   */
  private scanChunkExtension(chunk: Buffer, p: number): number {
    const len = chunk.length
    const limit = this.extLimitEnd
    let x = this.extState
    let q = p
    for (; q < len; q++) {
      const b = chunk[q]
      if (b === CR) {
        if (x === X_AFTER_SIZE || x === X_AFTER_VALUE || x === X_NAME || x === X_TOKEN_VALUE) break
        return this.extFail('INVALID_CHUNK_EXTENSION', q)
      }
      if (b === LF) return this.extFail('INVALID_LINE_ENDING', q)
      switch (x) {
        case X_AFTER_SIZE:
        case X_AFTER_VALUE:
          if (b === SEMI) x = X_NAME_START
          else if (isWs(b)) x = X_BWS_SEMI
          else return this.extFail(x === X_AFTER_SIZE ? 'INVALID_CHUNK_SIZE' : 'INVALID_CHUNK_EXTENSION', q)
          break
        case X_BWS_SEMI:
          if (b === SEMI) x = X_NAME_START
          else if (!isWs(b)) return this.extFail('INVALID_CHUNK_EXTENSION', q)
          break
        case X_NAME_START:
          if (TCHAR[b] === 1) x = X_NAME
          else if (!isWs(b)) return this.extFail('INVALID_CHUNK_EXTENSION', q)
          break
        case X_NAME:
          if (TCHAR[b] === 1) break
          if (b === EQUALS) x = X_VALUE_START
          else if (b === SEMI) x = X_NAME_START
          else if (isWs(b)) x = X_BWS_EQ
          else return this.extFail('INVALID_CHUNK_EXTENSION', q)
          break
        case X_BWS_EQ:
          if (b === EQUALS) x = X_VALUE_START
          else if (b === SEMI) x = X_NAME_START
          else if (!isWs(b)) return this.extFail('INVALID_CHUNK_EXTENSION', q)
          break
        case X_VALUE_START:
          if (TCHAR[b] === 1) x = X_TOKEN_VALUE
          else if (b === DQUOTE) x = X_QUOTED
          else if (!isWs(b)) return this.extFail('INVALID_CHUNK_EXTENSION', q)
          break
        case X_TOKEN_VALUE:
          if (TCHAR[b] === 1) break
          if (b === SEMI) x = X_NAME_START
          else if (isWs(b)) x = X_BWS_SEMI
          else return this.extFail('INVALID_CHUNK_EXTENSION', q)
          break
        case X_QUOTED:
          if (b === DQUOTE) x = X_AFTER_VALUE
          else if (b === BACKSLASH) x = X_QUOTED_ESCAPE
          else if (QDTEXT[b] !== 1) return this.extFail('INVALID_CHUNK_EXTENSION', q)
          break
        default:
          // X_QUOTED_ESCAPE: quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
          if (b !== HTAB && (b < 0x20 || b === 0x7f)) return this.extFail('INVALID_CHUNK_EXTENSION', q)
          x = X_QUOTED
          break
      }
      // A valid extension byte, but beyond the limit.
      if (q >= limit) return this.extFail('CHUNK_EXTENSION_TOO_LARGE', q)
    }
    this.extState = x
    return q
  }

  /** Fails inside the chunk extension scan; returns `-(at + 1)`. */
  private extFail(code: ParseErrorCode, at: number): number {
    this.fail(code)
    return -at - 1
  }
}
