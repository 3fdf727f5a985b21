/**
 * The state of the request the parser is in the middle of: the state machine's states, and
 * {@link MessageState}, the one object per request in progress that every phase of the parser
 * (`parse-request-line.ts`, `parse-field-lines.ts`, `parse-chunked.ts`, `body-framing.ts`) reads and
 * writes. `RequestParser` takes one at the first byte of a message and gives it back when the message
 * completes, so a parser between requests holds nothing; the objects given back are cleared and kept
 * in a small process-wide pool (allocating ~50 fields per request, and growing `pending` each time,
 * cost about a fifth of the parse of a browser request). Internal to the parser.
 *
 * @module
 */
import type { ParseErrorCode } from './parse-error.js'
import type { ParserLimits } from './parser-limits.js'
import type { RequestHead } from './request-head.js'

// Parser states, grouped by the phase that handles them (the ranges matter: `RequestParser.execute`
// dispatches on them).
// Request-line (parse-request-line.ts).
/** Before a request-line; empty lines are skipped. */
export const S_START = 0
/** CR of an empty line seen before the request-line. */
export const S_START_LF = 1
/** In the method token. */
export const S_METHOD = 2
/** After the method's SP. */
export const S_TARGET_START = 3
/** In the request-target. */
export const S_TARGET = 4
/** Matching `HTTP/` DIGIT `.` DIGIT byte by byte. */
export const S_VERSION = 5
/** After the minor digit, CR expected. */
export const S_VERSION_END = 6
/** After the request-line's CR. */
export const S_REQUEST_LINE_LF = 7
// Field lines of the header or trailer section (parse-field-lines.ts).
/** Start of a field line (or of the empty line ending the section). */
export const S_FIELD_START = 8
/** In a field name. */
export const S_FIELD_NAME = 9
/** OWS after the colon. */
export const S_FIELD_OWS = 10
/** In a field value. */
export const S_FIELD_VALUE = 11
/** After a field line's CR. */
export const S_FIELD_LF = 12
/** CR of the empty line ending headers/trailers seen. */
export const S_SECTION_END_LF = 13
/** The header section is complete: the dispatcher checks the framing and calls `onHead`. */
export const S_HEAD_DONE = 14
/** The message is complete: the dispatcher calls `onComplete`. */
export const S_MESSAGE_DONE = 15
// Body (body-framing.ts, parse-chunked.ts).
/** In a Content-Length body. */
export const S_BODY = 16
/** First hex digit of a chunk-size. */
export const S_CHUNK_SIZE = 17
/** More hex digits of a chunk-size. */
export const S_CHUNK_SIZE_MORE = 18
/** Chunk extensions (or BWS) after the chunk-size. */
export const S_CHUNK_EXT = 19
/** After the chunk-size line's CR. */
export const S_CHUNK_SIZE_LF = 20
/** In chunk data. */
export const S_CHUNK_DATA = 21
/** CR expected after chunk data. */
export const S_CHUNK_DATA_CR = 22
/** LF expected after chunk data. */
export const S_CHUNK_DATA_LF = 23

/**
 * `limitEnd` while no limit applies (bodies). Limits are clamped below it so
 * that offsets stay small integers (V8 Smis) in the scanning loops.
 */
export const NO_LIMIT = 0x3fffffff

/** Placeholder for `rawHeaders` before a request-line is complete; never mutated. */
export const NO_FIELDS: string[] = []

/**
 * Everything the parser knows about the message in progress. Offsets into "the chunk" are
 * relative to the buffer being executed; `limitEnd` and `extLimitEnd` are rebased by the
 * dispatcher when a chunk ends. Get one with {@link takeMessageState}.
 *
 * @example
 * ```ts
 * const m = takeMessageState(limits, p) // at the first byte of a message, p in the current chunk
 * p = parseRequestLine(m, chunk, p)
 * ```
 */
export class MessageState {
  // A field added here that a message reads before writing it must be reset in `clear()` too.
  /** The parser's resolved limits. */
  limits: Readonly<ParserLimits>
  /** Current state (`S_*`). */
  state = S_START
  /** Offset of the first byte beyond the current section's limit. */
  limitEnd: number
  /** Start of the token being scanned in the chunk, or -1; 0 for a token continued from an earlier chunk. */
  mark = -1
  /** Why a phase returned a failure (see {@link failAt}). */
  failure: ParseErrorCode = 'INCOMPLETE_MESSAGE'

  // A token that spans chunks (see token-text.ts): its bytes so far, and where a completed one is.
  /** Bytes of a token (method, target, field name or value) that started in an earlier chunk. */
  carry: Buffer | null = null
  /** Bytes used in `carry`. */
  carryLength = 0
  /** Where the token ended by `endToken` starts in the buffer `endToken` returned. */
  tokenStart = 0
  /** Where that token ends. */
  tokenEnd = 0

  // Request-line.
  method = ''
  target = ''
  path = ''
  query = ''
  targetForm: RequestHead['targetForm'] = 'origin'
  targetHost = ''
  // Structure of the target found by checkTarget, as offsets from its first byte.
  targetPathEnd = 0
  targetQueryStart = -1
  targetHostStart = 0
  targetHostEnd = 0
  /** Bytes of `HTTP/x.y` matched so far (slow path). */
  versionIndex = 0
  versionMajor = 0
  versionMinor = 0

  // Header / trailer fields.
  rawHeaders: string[] = NO_FIELDS
  trailers: string[] | null = null
  inTrailers = false
  fieldCount = 0
  /** Name of the trailer field being parsed. */
  fieldName = ''
  /** Which framing field (`K_*` in body-framing.ts) the field being parsed is; 0 = any other. */
  fieldKind = 0
  hostCount = 0
  /** Index in rawHeaders of the Host value, -1 without Host. */
  hostIndex = -1
  contentLength = -1
  teSeen = false
  teChunkedCount = 0
  teLastChunked = false
  teOther = 0
  connectionClose = false
  connectionKeepAlive = false
  expect: RequestHead['expect'] = 'none'

  // Strings of the head not created yet: they are sliced from one latin1
  // string of the current chunk when the head completes or the chunk ends.
  /** `[rawHeaders index, start, end]` triples, offsets into the current chunk (numbers only: kept when recycled). */
  readonly pending: number[] = []
  pendingCount = 0
  /** First byte covered by pending strings (or the pending target), -1 when nothing is pending. */
  pendingStart = -1
  pendingEnd = 0
  targetPending = false
  targetStart = 0
  targetEnd = 0

  // Body.
  /** Body bytes left of the Content-Length body or the current chunk; the chunk-size while it is read. */
  remaining = 0
  chunkDigits = 0
  /** Chunk extension sub-state (`X_*` in parse-chunked.ts). */
  extState = 0
  extLimitEnd = 0

  /**
   * @param limits - the parser's resolved limits
   * @param start - offset in the current chunk of the message's first byte
   */
  constructor(limits: Readonly<ParserLimits>, start: number) {
    this.limits = limits
    this.limitEnd = start + limits.maxRequestLineSize
  }

  /**
   * Makes a used state ready for the next message: resets every field a message reads before it
   * writes it, and drops every reference to strings and arrays (a small carry buffer is kept). The
   * fields left alone are always written first: `failure`, `tokenStart`/`tokenEnd`, the target's
   * structure (by `checkTarget`), the version (by the request-line), `pendingEnd`, `targetStart`/
   * `targetEnd`, `remaining` (at the end of the head) and the chunk-size fields.
   */
  clear(): void {
    this.state = S_START
    this.mark = -1
    if (this.carry !== null && this.carry.length > MAX_KEPT_CARRY) this.carry = null
    this.carryLength = 0
    this.method = ''
    this.target = ''
    this.path = ''
    this.query = ''
    this.targetHost = ''
    this.rawHeaders = NO_FIELDS
    this.trailers = null
    this.inTrailers = false
    this.fieldCount = 0
    this.fieldName = ''
    this.fieldKind = 0
    this.hostCount = 0
    this.hostIndex = -1
    this.contentLength = -1
    this.teSeen = false
    this.teChunkedCount = 0
    this.teLastChunked = false
    this.teOther = 0
    this.connectionClose = false
    this.connectionKeepAlive = false
    this.expect = 'none'
    this.pendingCount = 0
    this.pendingStart = -1
    this.targetPending = false
  }
}

/** A recycled carry buffer up to this size is kept with its pooled state (a split token is common). */
const MAX_KEPT_CARRY = 1024
/** Cleared states ready for the next message, shared by every parser of the process. */
const pool: MessageState[] = []
/** At most this many cleared states are kept. */
const POOL_SIZE = 16

/**
 * A state for a message that starts at offset `start` of the current chunk: a recycled one when
 * there is one, else a new one.
 *
 * @example
 * ```ts
 * if (m === null) this.msg = m = takeMessageState(this.limits, p)
 * ```
 */
export function takeMessageState(limits: Readonly<ParserLimits>, start: number): MessageState {
  const m = pool.pop()
  if (m === undefined) return new MessageState(limits, start)
  m.limits = limits
  m.limitEnd = start + limits.maxRequestLineSize
  return m
}

/**
 * Gives back the state of a message that completed or failed; nothing may use `m` afterwards.
 *
 * @example
 * ```ts
 * this.msg = null
 * recycleMessageState(m)
 * ```
 */
export function recycleMessageState(m: MessageState): void {
  if (pool.length >= POOL_SIZE) return
  m.clear()
  pool.push(m)
}

/**
 * Records why a phase fails and returns what the phase returns for it: `-(at + 1)`, where `at` is
 * the offset of the offending byte (the dispatcher turns it back into `at` and kills the parser).
 *
 * @example
 * ```ts
 * if (chunk[p] !== LF) return failAt(m, 'INVALID_LINE_ENDING', p)
 * ```
 */
export function failAt(m: MessageState, code: ParseErrorCode, at: number): number {
  m.failure = code
  return -at - 1
}
