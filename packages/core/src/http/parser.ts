import * as states from './message-state.js'
import { framingError, keepAlive, readLengthBody } from './body-framing.js'
import { type MessageState, recycleMessageState, takeMessageState } from './message-state.js'
import { parseChunked } from './parse-chunked.js'
import type { ParseErrorCode } from './parse-error.js'
import { parseFieldLines } from './parse-field-lines.js'
import { parseRequestLine } from './parse-request-line.js'
import { DEFAULT_PARSER_LIMITS, type ParserLimits } from './parser-limits.js'
import type { RequestHead } from './request-head.js'
import { carryToken, materialize } from './token-text.js'

// Module-local copies of the imported constants: V8 reads an imported binding through its module
// cell at every use (no constant folding), which made the parser's loops ~15 % slower than with local
// constants (bench/README.md, "Parser micro-benchmark"). Keep the constants of hot code local.
const { NO_LIMIT, S_BODY, S_CHUNK_EXT, S_CHUNK_SIZE, S_FIELD_START, S_HEAD_DONE, S_MESSAGE_DONE, S_START } = states

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

/** The largest usable value of a size limit (below `NO_LIMIT`, so offsets stay Smis). */
const MAX_LIMIT = 0x1fffffff

/** Resolves a limit option: a non-negative integer, at most {@link MAX_LIMIT}. */
function limit(value: number | undefined, fallback: number): number {
  if (value === undefined || Number.isNaN(value)) return fallback
  return Math.max(0, Math.min(MAX_LIMIT, Math.floor(value)))
}

/** The last limits resolved: parsers created with equal options (every connection of a server) share one object. */
let lastLimits: Readonly<ParserLimits> = DEFAULT_PARSER_LIMITS
/** The options object `lastLimits` was last resolved from: the same object again (a server's every connection) resolves to it at once. */
let lastOptions: Partial<ParserLimits> | undefined

/** Resolves the limit options of a parser, reusing the previous result when it is equal. */
function resolveLimits(options: Partial<ParserLimits> | undefined): Readonly<ParserLimits> {
  if (options === undefined) return DEFAULT_PARSER_LIMITS
  if (options === lastOptions) return lastLimits
  const d = DEFAULT_PARSER_LIMITS
  const maxRequestLineSize = limit(options.maxRequestLineSize, d.maxRequestLineSize)
  const maxHeaderSize = limit(options.maxHeaderSize, d.maxHeaderSize)
  const maxHeaderCount = limit(options.maxHeaderCount, d.maxHeaderCount)
  const maxChunkExtensionSize = limit(options.maxChunkExtensionSize, d.maxChunkExtensionSize)
  const maxTrailerSize = limit(options.maxTrailerSize, d.maxTrailerSize)
  const last = lastLimits
  if (
    last.maxRequestLineSize !== maxRequestLineSize || last.maxHeaderSize !== maxHeaderSize ||
    last.maxHeaderCount !== maxHeaderCount || last.maxChunkExtensionSize !== maxChunkExtensionSize ||
    last.maxTrailerSize !== maxTrailerSize
  ) {
    lastLimits = Object.freeze({ maxRequestLineSize, maxHeaderSize, maxHeaderCount, maxChunkExtensionSize, maxTrailerSize })
  }
  // Only a frozen object is taken as unchanged next time (a caller may edit its own options between parsers).
  lastOptions = Object.isFrozen(options) ? options : undefined
  return lastLimits
}

/** Builds the head handed to `onHead`. */
function buildHead(m: MessageState, chunked: boolean): RequestHead {
  const form = m.targetForm
  return {
    method: m.method,
    target: m.target,
    path: m.path,
    query: m.query,
    targetForm: form,
    versionMinor: m.versionMinor === 1 ? 1 : 0,
    rawHeaders: m.rawHeaders,
    host: form === 'absolute' || form === 'authority' ? m.targetHost : m.hostIndex >= 0 ? m.rawHeaders[m.hostIndex] : '',
    contentLength: m.contentLength,
    chunked,
    keepAlive: keepAlive(m),
    expect: m.expect,
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
 * The parser owns the state machine and dispatches to its phases, one file
 * each, as nginx's `ngx_http_parse.c` is split: `parse-request-line.ts`,
 * `parse-field-lines.ts` (headers and trailers), `body-framing.ts` (the
 * fields that frame the body, a Content-Length body) and `parse-chunked.ts`.
 * What it knows about the request in progress is one `MessageState`, taken
 * at the message's first byte and given back when it completes (cleared, to
 * a small pool shared by all parsers): between requests a parser holds no
 * buffers, no strings and no per-request object.
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
  /** Resolved limits, shared between parsers created with equal options. */
  private readonly limits: Readonly<ParserLimits>
  /** `onComplete` asked to pause; `resume` clears it. */
  private paused = false
  /** The message in progress, `null` between messages (and once dead). */
  private msg: MessageState | null = null

  /**
   * Creates a parser.
   *
   * @param handler - receives the parsed messages
   * @param limits - overrides of {@link DEFAULT_PARSER_LIMITS}; each is
   *   floored and clamped to 0..2^29-1
   */
  constructor(handler: ParserHandler, limits?: Partial<ParserLimits>) {
    this.handler = handler
    this.limits = resolveLimits(limits)
  }

  /**
   * True when no byte of a next message has been seen: the parser is between
   * messages (empty lines before a request-line are ignored and do not count
   * as a message; a dangling CR does). False once the parser failed.
   */
  get idle(): boolean {
    return this.error === null && (this.msg === null || this.msg.state === S_START)
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
    this.paused = false
    this.msg = null // not recycled: a handler might still be using it (see `fail`)
  }

  /**
   * Signals the end of the input (the peer closed its side).
   *
   * @returns `null` when the input ended between messages, else the error
   *   (`INCOMPLETE_MESSAGE`, or the error the parser already had)
   */
  finish(): ParseErrorCode | null {
    if (this.error !== null) return this.error
    if (this.msg === null || this.msg.state === S_START) return null
    this.fail('INCOMPLETE_MESSAGE', 0, false)
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
    const handler = this.handler
    let m = this.msg
    // A token continued from an earlier chunk starts at 0 in this one.
    if (m !== null && m.carryLength !== 0) m.mark = 0
    let p = 0
    while (p < len) {
      if (m === null) this.msg = m = takeMessageState(this.limits, p)
      // One phase at a time; each runs until its part of the message ends or the chunk does.
      const phase = m.state
      if (phase < S_FIELD_START) p = parseRequestLine(m, chunk, p)
      else if (phase < S_HEAD_DONE) p = parseFieldLines(m, chunk, p)
      else if (phase === S_BODY) p = readLengthBody(m, handler, chunk, p)
      else p = parseChunked(m, handler, chunk, p)
      if (p < 0) return this.fail(m.failure, -p - 1, true)

      if (m.state === S_HEAD_DONE) {
        const err = framingError(m)
        if (err !== null) return this.fail(err, p - 1, true) // at the LF ending the header section
        if (m.pendingStart >= 0) materialize(m, chunk)
        const chunked = m.teSeen
        m.remaining = chunked ? 0 : m.contentLength
        // Not idle while the handler sees the head, even without a body.
        m.state = chunked ? S_CHUNK_SIZE : S_BODY
        handler.onHead(buildHead(m, chunked))
        if (!chunked && m.contentLength <= 0) m.state = S_MESSAGE_DONE
      }
      if (m.state === S_MESSAGE_DONE) {
        // The message is complete (no body, the body's last byte, or the end of the trailers):
        // everything it held goes with it.
        const trailers = m.trailers
        this.msg = null
        recycleMessageState(m)
        m = null
        if (handler.onComplete(trailers) === true) {
          this.paused = true
          return p
        }
      }
    }
    if (m !== null) {
      // Out of input: create the strings still pointing into the chunk, keep the bytes of an
      // unfinished token, and make the limits relative to the next chunk.
      if (m.pendingStart >= 0) materialize(m, chunk)
      carryToken(m, chunk)
      if (m.limitEnd < NO_LIMIT) m.limitEnd -= len
      if (m.state === S_CHUNK_EXT) m.extLimitEnd -= len
    }
    return len
  }

  /**
   * Marks the parser dead with `code` and forgets the message in progress; returns `at` for `execute`
   * to return.
   *
   * @param recycle - give the message's state back to the pool: only from `execute` itself, where
   *   nothing else can hold it (outside, a handler that called `finish` or `reset` re-entrantly might)
   */
  private fail(code: ParseErrorCode, at: number, recycle: boolean): number {
    if (this.error === null) this.error = code
    const m = this.msg
    this.msg = null
    if (recycle && m !== null) recycleMessageState(m)
    return at
  }
}
