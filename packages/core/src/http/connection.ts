import { close as closeFd, open as openFile, read as readFile } from 'node:fs'
import { Socket as NetSocket, type Socket } from 'node:net'
import type { Duplex, Readable } from 'node:stream'
import { Context } from '../context.js'
import { createDebug } from '../debug-log.js'
import { HttpError } from '../errors.js'
import { disposeBody, type FileBody } from '../file-body.js'
import { planResponse } from '../respond.js'
import { Request } from '../request.js'
import { BODY_HIGH_WATER_MARK, RequestBody, type RequestBodyHooks } from '../request-body.js'
import { Response } from '../response.js'
import { PARSE_ERROR_STATUS, type ParseErrorCode } from './parse-error.js'
import { RequestParser, type ParserHandler } from './parser.js'
import type { ParserLimits } from './parser-limits.js'
import type { RequestHead } from './request-head.js'
import type { Timed, TimerWheel } from './timer-wheel.js'
import { chunkHeader, LAST_CHUNK, minimalResponse } from './writer.js'

const debug = createDebug('tinyhttp:core:connection')

/** Timeouts and limits of a connection (all in milliseconds / counts). */
export interface ConnectionOptions {
  /** From the first byte of a request (or from connect) until its header section is complete → 408. */
  headersTimeout: number
  /** From the first byte of a request until its body has fully arrived → 408. */
  requestTimeout: number
  /** Idle time between requests before the connection is closed. */
  keepAliveTimeout: number
  /** How long a blocked write (a client that does not read) may wait for `drain`. */
  sendTimeout: number
  /** Requests served on one connection before it closes; 0 = no limit. */
  maxRequestsPerSocket: number
  /** Parsed requests queued behind the one being answered before reading pauses. */
  maxPipelined: number
  /** After an early answer, how long to discard an unfinished request body (or linger) before closing. */
  lingerTimeout: number
  /** After an early answer, how many body bytes to discard (or drop while lingering) before closing. */
  lingerBytes: number
  /** Parser limits. */
  limits: ParserLimits
}

/** What a connection needs from the App that owns it. */
export interface ConnectionHost {
  /**
   * Runs the middleware chain and renders errors: undefined when the response is ready at once, else a
   * promise that never rejects unless the response is committed.
   */
  handle(ctx: Context): Promise<void> | undefined
  /** Whether the App is shutting down (answers get `Connection: close`). */
  readonly closing: boolean
  /** The connection finished (socket closed). */
  release(conn: Connection): void
}

/** One request on its way through the connection. */
interface Exchange {
  head: RequestHead | null
  req: Request | null
  res: Response | null
  body: RequestBody | null
  /** Status of a minimal response the core sends instead of running the chain (parse error, 417, 408). */
  errorStatus: number
  /** Epoch ms of the first byte of this request. */
  start: number
}

/**
 * What the connection does with bytes a client still sends after its request was answered
 * ({@link Connection} `#drain`): nothing special; discard the rest of that request's body through the
 * parser and keep the connection (the next request is parsed right behind it); or drop everything
 * until the socket closes (lingering close).
 */
const DRAIN_NONE = 0
const DRAIN_BODY = 1
const DRAIN_CLOSE = 2
type Drain = typeof DRAIN_NONE | typeof DRAIN_BODY | typeof DRAIN_CLOSE

const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1')
/** Pending output up to this size is copied into one buffer (one write); larger output is written as is. */
const COALESCE_LIMIT = 64 * 1024
/** Largest read from a file per write. */
const FILE_CHUNK = 512 * 1024
/** Read buffers for file bodies, reused once the kernel has the bytes (bounded: at most 8 kept). */
const fileChunks: Buffer[] = []

function takeFileChunk(): Buffer {
  return fileChunks.pop() ?? Buffer.allocUnsafeSlow(FILE_CHUNK)
}

function giveFileChunk(buf: Buffer): void {
  if (fileChunks.length < 8) fileChunks.push(buf)
}

/** Where a socket keeps its connection, for the listeners all connections share. */
const CONNECTION = Symbol('tinyhttp.connection')
type SocketWithConnection = Duplex & { [CONNECTION]?: Connection }

/**
 * The buffer small pieces of output are copied into, shared by every plain TCP connection. A write
 * that the kernel takes whole (the socket reports nothing pending right after it) leaves it free for
 * the next one; otherwise the socket keeps it until the write completes and a new one is made.
 */
let scratch: Buffer | null = null

/**
 * The only code that reads or writes a socket: feeds bytes to the parser, queues pipelined requests and
 * answers them strictly in order, decides keep-alive or close, applies back-pressure both ways and owns
 * every deadline of its socket.
 *
 * @internal
 */
export class Connection implements Timed, ParserHandler {
  /** @see Timed.deadline */
  deadline = 0
  readonly #socket: Duplex
  readonly #host: ConnectionHost
  readonly #options: ConnectionOptions
  readonly #wheel: TimerWheel
  readonly #parser: RequestParser
  /** The peer address, read from the socket when first asked for (null: not yet). */
  #remoteAddress: string | undefined | null = null
  readonly #secure: boolean
  /** A plain `net.Socket`: a write it reports as complete has been copied into the kernel. */
  readonly #kernelCopies: boolean

  readonly #queue: Exchange[] = []
  /** The exchange whose body the parser is reading, if any. */
  #parsing: Exchange | null = null
  /** Whether the head of the queue is running or being written. */
  #active = false
  /** Whether the parser is inside `execute` (handlers then wait until it returns). */
  #parsingInput = false
  /** Whether {@link Connection.#pump}'s loop is running (a nested call leaves the work to it). */
  #pumping = false
  #pendingInput: Buffer | null = null
  #out: Array<string | Uint8Array> = []
  #outBytes = 0
  #flushScheduled = false
  #waitingDrain = false
  #drainSince = 0
  #msgStart: number
  /** Whether bytes of the current message have arrived (its headers deadline is running). */
  #msgOpen = true
  #idleSince: number
  #served = 0

  #pausedForBody = false
  /** No more requests are read from this connection (close decided, parse error, EOF). */
  #readClosed = false
  /** The response that closes the connection has been queued. */
  #closing = false
  /** After an answer: discarding the rest of its request body, or lingering before the close. */
  #drain: Drain = DRAIN_NONE
  /** Bytes dropped in the current drain (bounded by `lingerBytes`). */
  #lingerBytes = 0
  #closed = false
  /** Cleanup for a body stream in flight (destroys a Readable or closes a file descriptor). */
  #abortBody: (() => void) | null = null
  /** Body bytes of the response in flight handed to the socket so far (for `Response.onEnd`). */
  #bodySent = 0

  /**
   * @param socket - a `net.Socket`, a `tls.TLSSocket` or any Duplex
   * @param host - the App
   * @param options - timeouts and limits
   * @param wheel - the App's timer wheel
   */
  constructor(socket: Duplex, host: ConnectionHost, options: ConnectionOptions, wheel: TimerWheel) {
    this.#socket = socket
    this.#host = host
    this.#options = options
    this.#wheel = wheel
    const net = socket as Partial<Socket> & { encrypted?: boolean }
    this.#secure = net.encrypted === true
    this.#kernelCopies = socket instanceof NetSocket && !this.#secure
    // The connection is the parser's handler, and the socket's listeners are shared by all
    // connections: no closures per connection (they add up under connection churn).
    this.#parser = new RequestParser(this, options.limits)
    const now = Date.now()
    this.#msgStart = now
    this.#idleSince = now
    if (typeof net.setNoDelay === 'function') net.setNoDelay(true)
    ;(socket as SocketWithConnection)[CONNECTION] = this
    socket.on('data', Connection.#dataListener)
    socket.on('end', Connection.#endListener)
    socket.on('error', Connection.#errorListener)
    socket.on('close', Connection.#closeListener)
    socket.on('drain', Connection.#drainListener)
    this.deadline = now + options.headersTimeout
    wheel.add(this)
  }

  static #dataListener(this: Duplex, chunk: Buffer): void {
    ;((this as SocketWithConnection)[CONNECTION] as Connection).#onData(chunk)
  }

  static #endListener(this: Duplex): void {
    ;((this as SocketWithConnection)[CONNECTION] as Connection).#onEnd()
  }

  static #errorListener(this: Duplex, err: Error): void {
    ;((this as SocketWithConnection)[CONNECTION] as Connection).#onError(err)
  }

  static #closeListener(this: Duplex): void {
    ;((this as SocketWithConnection)[CONNECTION] as Connection).#onClose()
  }

  static #drainListener(this: Duplex): void {
    ;((this as SocketWithConnection)[CONNECTION] as Connection).#onDrain()
  }

  /** The peer's address (a `getpeername` call the first time, so only when a request asks for it). */
  get remoteAddress(): string | undefined {
    if (this.#remoteAddress === null) this.#remoteAddress = (this.#socket as Partial<Socket>).remoteAddress
    return this.#remoteAddress
  }

  /** Whether nothing is in flight: no request queued or running and no partial request read. */
  get idle(): boolean {
    return !this.#active && this.#queue.length === 0 && this.#parser.idle && this.#pendingInput === null
  }

  /**
   * Closes the connection if it is idle or only discarding the body of a request already answered;
   * otherwise the response in flight will say `Connection: close`.
   */
  shutdown(): void {
    if (this.#closed) return
    if (this.idle || this.#drain === DRAIN_BODY) this.#socket.destroy()
  }

  /** Destroys the socket now. */
  destroy(): void {
    this.#socket.destroy()
  }

  // ── reading ──────────────────────────────────────────────────────────────

  #onData(chunk: Buffer): void {
    if (this.#drain === DRAIN_CLOSE) {
      this.#lingerBytes += chunk.length
      if (this.#lingerBytes > this.#options.lingerBytes) this.#socket.destroy()
      return
    }
    if (this.#readClosed || this.#closed) return
    if (this.#pendingInput !== null) {
      // Paused parser: keep the bytes in order behind what is waiting.
      this.#pendingInput = Buffer.concat([this.#pendingInput, chunk])
      this.#pauseReading()
      return
    }
    if (!this.#msgOpen) {
      // First bytes of a new message (empty lines before a request-line count too, so a client
      // cannot keep a connection alive with a trickle of CRLFs).
      this.#msgOpen = true
      this.#msgStart = Date.now()
    }
    this.#feed(chunk)
    this.#updateDeadline()
  }

  #feed(chunk: Buffer): void {
    this.#parsingInput = true
    const consumed = this.#parser.execute(chunk)
    this.#parsingInput = false
    const error = this.#parser.error
    if (error !== null) this.#onParseError(error)
    else if (consumed < chunk.length && !this.#readClosed) {
      this.#pendingInput = chunk.subarray(consumed)
      this.#pauseReading()
    }
    // Requests parsed from this input are answered now, in order, outside the parser.
    this.#pump()
  }

  /**
   * @see ParserHandler.onHead
   * @internal
   */
  onHead(head: RequestHead): void {
    if (this.#readClosed) return
    const exchange: Exchange = { head, req: null, res: null, body: null, errorStatus: 0, start: this.#msgStart }
    if (head.expect === 'unknown') {
      exchange.errorStatus = 417
      this.#stopReading()
    } else {
      if (head.chunked || head.contentLength > 0) {
        const body = new RequestBody(head.chunked ? -1 : head.contentLength, this.#bodyHooks(exchange))
        exchange.body = body
        this.#parsing = exchange
      }
      exchange.req = new Request(head, exchange.body, this, this.#secure)
      exchange.res = new Response()
    }
    this.#queue.push(exchange)
    this.#pump()
  }

  /**
   * @see ParserHandler.onBody
   * @internal
   */
  onBody(chunk: Buffer): void {
    if (this.#drain === DRAIN_BODY) return this.#discarded(chunk.length)
    const exchange = this.#parsing
    if (exchange === null || exchange.body === null) return
    const body = exchange.body
    body.push(Buffer.from(chunk))
    if (body.buffered >= BODY_HIGH_WATER_MARK && !this.#pausedForBody) {
      this.#pausedForBody = true
      this.#pauseReading()
    }
  }

  /**
   * @see ParserHandler.onComplete
   * @internal
   */
  onComplete(): boolean {
    this.#msgOpen = false
    this.#msgStart = Date.now()
    const exchange = this.#parsing
    if (exchange !== null) {
      this.#parsing = null
      exchange.body?.end()
      if (this.#drain === DRAIN_BODY) {
        // The answered request's body is gone: the connection is between requests again.
        this.#drain = DRAIN_NONE
        this.#idleSince = this.#msgStart
      }
    }
    if (this.#readClosed) return true
    // Pause when enough requests wait behind the one being answered.
    return this.#queue.length > this.#options.maxPipelined
  }

  #bodyHooks(exchange: Exchange): RequestBodyHooks {
    return {
      onFirstRead: () => {
        const body = exchange.body
        if (exchange.head?.expect === 'continue' && body !== null && !body.complete && body.received === 0 && exchange.res?.committed === false) {
          this.#write(CONTINUE)
          this.#flush()
        }
      },
      onDrain: () => {
        if (this.#pausedForBody) {
          this.#pausedForBody = false
          this.#resumeReading()
        }
      },
    }
  }

  #onParseError(code: ParseErrorCode): void {
    const status = PARSE_ERROR_STATUS[code] ?? 400
    debug('parse error %s → %d', code, status)
    const parsing = this.#parsing
    this.#stopReading()
    if (parsing !== null) {
      this.#parsing = null
      // Its broken framing came in the bytes that carried its head, or behind other queued requests: it
      // was not dispatched yet, so it is answered with the parse error, like nginx, lighttpd and h2o.
      const at = this.#queue.indexOf(parsing)
      if (at > 0 || (at === 0 && !this.#active)) {
        this.#queue[at] = { head: parsing.head, req: null, res: null, body: null, errorStatus: status, start: parsing.start }
        this.#pump()
        return
      }
      // Its handler already runs (or ran): it gets exactly one answer (a 400 if it reads the body, else
      // whatever it answers), then the connection closes; nothing behind the broken body is parsed.
      parsing.body?.fail(new HttpError(400, 'Bad Request', { reason: code }))
      if (!this.#active && this.#queue.length === 0) this.#socket.destroy()
      return
    }
    this.#queue.push({ head: null, req: null, res: null, body: null, errorStatus: status, start: this.#msgStart })
    this.#pump()
  }

  #onEnd(): void {
    // The client finished sending. Answer what is queued, then close.
    const error = this.#parser.finish()
    if (error !== null) debug('connection ended mid-request (%s)', error)
    const parsing = this.#parsing
    if (parsing !== null) {
      this.#parsing = null
      parsing.body?.fail(new HttpError(400, 'Bad Request', { reason: 'incomplete-body' }))
    }
    this.#readClosed = true
    if (this.#drain !== DRAIN_NONE || (!this.#active && this.#queue.length === 0)) this.#socket.destroy()
  }

  #onError(err: Error): void {
    debug('socket error: %s', err.message)
    this.#socket.destroy()
  }

  #onClose(): void {
    if (this.#closed) return
    this.#closed = true
    this.#readClosed = true
    this.#wheel.delete(this)
    this.#abortBody?.()
    this.#abortBody = null
    // A response cut while its body was being written: tell its listeners what left.
    const current = this.#active ? this.#queue[0]?.res : undefined
    if (current?.committed === true) this.#ended(current, this.#unsentAdjusted(), true)
    // An Error (and its stack) only when some body is still waiting for bytes.
    let lost: Error | null = null
    for (const exchange of this.#queue) if (exchange.body !== null) exchange.body.fail((lost ??= new Error('Connection closed')))
    if (this.#parsing?.body != null) this.#parsing.body.fail((lost ??= new Error('Connection closed')))
    this.#parsing = null
    this.#out = []
    this.#host.release(this)
  }

  #pauseReading(): void {
    ;(this.#socket as Readable).pause()
  }

  #resumeReading(): void {
    if (this.#closed || this.#pausedForBody || this.#pendingInput !== null) return
    if (this.#readClosed && this.#drain !== DRAIN_CLOSE) return
    ;(this.#socket as Readable).resume()
  }

  #stopReading(): void {
    this.#readClosed = true
    this.#pendingInput = null
    this.#pauseReading()
  }

  /** Feeds bytes held back by a parser pause once the queue has room again. */
  #resumeParsing(): void {
    if (this.#readClosed || this.#queue.length > this.#options.maxPipelined) return
    // The parser may have paused exactly at the end of a read, with nothing held back.
    this.#parser.resume()
    const pending = this.#pendingInput
    if (pending === null) return
    this.#pendingInput = null
    this.#feed(pending)
    if (this.#pendingInput === null) this.#resumeReading()
  }

  // ── answering ────────────────────────────────────────────────────────────

  /**
   * Answers queued requests in order, one at a time: a chain that finishes synchronously is written
   * and the loop goes on to the next request; an asynchronous one ends the loop until it settles.
   * Never runs inside the parser (requests parsed from one input wait until `execute` returns) and
   * never nests (a call from inside the loop returns, the loop picks the work up), so the stack stays
   * flat however many requests one read brings.
   */
  #pump(): void {
    if (this.#pumping || this.#parsingInput) return
    this.#pumping = true
    try {
      while (!this.#active && !this.#closed && !this.#waitingDrain) {
        const exchange = this.#queue[0]
        if (exchange === undefined) break
        this.#active = true
        if (exchange.errorStatus !== 0) {
          this.#closing = true
          this.#stopReading()
          this.#write(minimalResponse(exchange.errorStatus))
          this.#finish(exchange, true)
          continue
        }
        const ctx = new Context(exchange.req as Request, exchange.res as Response)
        // One exchange runs at a time, so the handlers find it at the head of the queue (no closures).
        const pending = this.#host.handle(ctx)
        if (pending !== undefined) {
          pending.then((this.#onHandled ??= () => this.#handled()), (this.#onHandlerFailed ??= err => this.#handlerFailed(err)))
          break
        }
        this.#send(exchange)
      }
    } finally {
      this.#pumping = false
    }
  }

  /** Callbacks for a chain that settles later, made on the connection's first asynchronous answer. */
  #onHandled: (() => void) | null = null
  #onHandlerFailed: ((err: unknown) => void) | null = null

  #handled(): void {
    const exchange = this.#queue[0]
    if (exchange !== undefined) this.#send(exchange)
  }

  #handlerFailed(err: unknown): void {
    // The response was already on the wire: the only honest thing left is to cut the connection.
    debug('error after commit: %o', err)
    this.#socket.destroy()
  }

  #send(exchange: Exchange): void {
    if (this.#closed) {
      disposeBody((exchange.res as Response).body)
      this.#ended(exchange.res as Response, 0, true)
      return
    }
    const head = exchange.head as RequestHead
    const res = exchange.res as Response
    const body = exchange.body
    const max = this.#options.maxRequestsPerSocket
    this.#served++
    // Close after this answer when the client asked, the App is shutting down, the body is still coming
    // and cannot be discarded, the per-socket budget is spent, or nothing more will be read and nothing
    // else is queued.
    const keepAlive =
      head.keepAlive &&
      !this.#host.closing &&
      (body === null || body.complete || this.#discardable(head, body)) &&
      (max === 0 || this.#served < max) &&
      !(this.#readClosed && this.#queue.length <= 1)
    const plan = planResponse(res, head.method === 'HEAD', head.versionMinor, keepAlive)
    res.commit()
    if (plan.close) {
      this.#closing = true
      this.#stopReading()
    }
    // Head and body are queued as they are; #flush copies small ones into one buffer and hands large
    // ones to the kernel as they are (one writev), so nothing is copied twice.
    this.#write(plan.head)
    if (plan.headText !== '') this.#write(plan.headText)
    const bytes = plan.bytes
    this.#bodySent = 0
    if (bytes !== null && bytes.length > 0) {
      this.#write(bytes)
      this.#bodySent = bytes.length
    }
    if (plan.file !== null) {
      this.#flush()
      this.#sendFile(exchange, plan.file)
    } else if (plan.stream !== null) {
      this.#flush()
      this.#sendStream(exchange, plan.stream, plan.chunked, plan.streamLength)
    } else {
      this.#finish(exchange, plan.close)
    }
  }

  #finish(exchange: Exchange, close: boolean): void {
    this.#active = false
    this.#queue.shift()
    if (exchange.res !== null) this.#ended(exchange.res, this.#bodySent, false)
    const body = exchange.body
    const unfinished = body !== null && !body.complete
    body?.discard()
    if (close || this.#closing || (this.#readClosed && this.#queue.length === 0)) {
      this.#flush()
      this.#endConnection(unfinished || this.#parsing !== null || !this.#parser.idle)
      return
    }
    if (unfinished) this.#discardBody(body)
    if (this.#queue.length === 0) this.#flush()
    else this.#scheduleFlush()
    if (this.#queue.length === 0) this.#idleSince = Date.now()
    this.#resumeParsing()
    this.#updateDeadline()
    this.#pump()
  }

  /**
   * Whether the unfinished body of a request being answered can be read and dropped so the connection
   * stays open (like nginx's discarded body): the application never started reading it, the client is
   * not waiting for `100 Continue` before sending it, and what is still to come (Content-Length) fits in
   * `lingerBytes`; a chunked body is counted as it arrives ({@link Connection.#discarded}).
   */
  #discardable(head: RequestHead, body: RequestBody): boolean {
    if (body.started || head.expect === 'continue') return false
    return body.expectedLength < 0 || body.expectedLength - body.received <= this.#options.lingerBytes
  }

  /** Starts dropping the rest of an answered request's body, within `lingerBytes` and `lingerTimeout`. */
  #discardBody(body: RequestBody): void {
    // The application let it go; a late reader gets an error instead of a truncated body.
    body.fail(new Error('Request body discarded after the response'))
    this.#drain = DRAIN_BODY
    this.#lingerBytes = 0
    this.deadline = Date.now() + this.#options.lingerTimeout
    if (this.#pausedForBody) {
      this.#pausedForBody = false
      this.#resumeReading()
    }
  }

  /** Counts dropped body bytes; past `lingerBytes` the connection stops reading requests and closes. */
  #discarded(bytes: number): void {
    this.#lingerBytes += bytes
    if (this.#lingerBytes <= this.#options.lingerBytes) return
    debug('discarded body over lingerBytes: closing')
    this.#drain = DRAIN_NONE
    this.#stopReading()
    this.#endConnection(true)
  }

  /** Ends the connection after the last response; lingers when the client may still be sending a body. */
  #endConnection(linger: boolean): void {
    if (this.#closed) return
    for (const rest of this.#queue) rest.body?.fail(new Error('Connection closing'))
    this.#queue.length = 0
    this.#parsing = null
    this.#pendingInput = null
    this.#socket.end()
    if (linger && !this.#socket.readableEnded) {
      // Like nginx's lingering close: read and drop what the client is still sending, briefly, so its
      // TCP stack does not reset the connection before it has read our answer.
      this.#drain = DRAIN_CLOSE
      this.#lingerBytes = 0
      this.deadline = Date.now() + this.#options.lingerTimeout
      ;(this.#socket as Readable).resume()
    } else {
      this.deadline = Date.now() + this.#options.lingerTimeout
    }
  }

  #sendStream(exchange: Exchange, stream: Readable, chunked: boolean, length: number): void {
    let done = false
    let sent = 0
    const cleanup = (): void => {
      stream.off('data', onData)
      stream.off('end', onEnd)
      stream.off('error', onError)
      this.#abortBody = null
    }
    const onData = (chunk: Buffer | string): void => {
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      if (data.length === 0) return
      sent += data.length
      if (length >= 0 && sent > length) return onError(new Error('stream yielded more than its announced length'))
      this.#bodySent = sent
      if (chunked) this.#write(chunkHeader(data.length))
      this.#write(data)
      if (chunked) this.#write('\r\n')
      if (!this.#flush()) {
        stream.pause()
        this.#afterDrain = () => stream.resume()
      }
    }
    const onEnd = (): void => {
      if (done) return
      if (length >= 0 && sent !== length) return onError(new Error('stream ended before its announced length'))
      done = true
      cleanup()
      if (chunked) this.#write(LAST_CHUNK)
      this.#finish(exchange, false)
    }
    const onError = (err: Error): void => {
      if (done) return
      done = true
      cleanup()
      debug('body stream failed after the head was sent: %s', err.message)
      this.#socket.destroy()
    }
    this.#abortBody = () => {
      if (done) return
      done = true
      cleanup()
      stream.destroy()
    }
    stream.on('data', onData)
    stream.once('end', onEnd)
    stream.once('error', onError)
    if (stream.isPaused()) stream.resume()
  }

  /**
   * Streams a file range: reads ahead one chunk while the previous one is being written, so the disk
   * and the socket work at the same time; never more than two chunks are in memory per transfer.
   */
  #sendFile(exchange: Exchange, file: FileBody): void {
    let fd = file.fd
    let position = file.start
    let remaining = file.length
    let reading = false
    let done = false
    /** A chunk read while the socket was full, written on `drain`. */
    let stashed: Buffer | null = null
    let stashedLength = 0
    const release = (): void => {
      this.#abortBody = null
      if (stashed !== null) giveFileChunk(stashed)
      stashed = null
      if (fd >= 0) {
        const toClose = fd
        fd = -1
        closeFd(toClose, () => {})
      }
    }
    const fail = (reason: string): void => {
      if (done) return
      done = true
      debug('file body failed: %s', reason)
      release()
      this.#socket.destroy()
    }
    const write = (buf: Buffer, n: number): void => {
      this.#flush() // the head (and anything else pending) leaves first
      const ok = this.#socket.write(buf.subarray(0, n), () => giveFileChunk(buf))
      this.#bodySent += n
      if (remaining > 0) read()
      else {
        done = true
        release()
        this.#finish(exchange, false)
        return
      }
      if (!ok) this.#waitForDrain(null)
    }
    const writeStashed = (): void => {
      const buf = stashed
      if (done || buf === null) return
      stashed = null
      write(buf, stashedLength)
    }
    const read = (): void => {
      if (done || reading) return
      reading = true
      const size = Math.min(remaining, FILE_CHUNK)
      const buf = takeFileChunk()
      readFile(fd, buf, 0, size, position, (err, n) => {
        reading = false
        // The buffer goes back to the pool only once no read and no write uses it any more.
        if (done || err !== null || n === 0) {
          giveFileChunk(buf)
          if (done) return
          return fail(err !== null ? err.message : 'file shorter than announced')
        }
        position += n
        remaining -= n
        if (this.#waitingDrain) {
          stashed = buf
          stashedLength = n
          this.#waitForDrain(writeStashed)
        } else write(buf, n)
      })
    }
    this.#abortBody = () => {
      if (done) return
      done = true
      release()
    }
    if (remaining === 0) {
      done = true
      release()
      this.#finish(exchange, false)
    } else if (fd >= 0) read()
    else {
      openFile(file.path as string, 'r', (err, opened) => {
        if (err !== null) return fail(err.message)
        if (done || this.#closed) {
          closeFd(opened, () => {})
          return
        }
        fd = opened
        read()
      })
    }
  }

  /** Tells a response's `onEnd` listeners how it ended; a listener that throws is logged, never fatal. */
  #ended(res: Response, bytes: number, aborted: boolean): void {
    try {
      res.ended(bytes, aborted)
    } catch (err) {
      debug('response end listener failed: %o', err)
    }
  }

  /** Body bytes of a cut response that left: those handed to the socket minus what it still held. */
  #unsentAdjusted(): number {
    const pending = (this.#socket as Partial<Socket>).writableLength ?? 0
    return Math.max(0, this.#bodySent - pending)
  }

  // ── writing ──────────────────────────────────────────────────────────────

  #afterDrain: (() => void) | null = null

  #write(chunk: string | Uint8Array): void {
    this.#out.push(chunk)
    this.#outBytes += chunk.length
    if (this.#outBytes >= COALESCE_LIMIT) this.#flush()
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return
    this.#flushScheduled = true
    setImmediate(() => {
      this.#flushScheduled = false
      this.#flush()
    })
  }

  /** Writes what is pending; returns false when the socket asked us to wait for `drain`. */
  #flush(): boolean {
    const out = this.#out
    if (out.length === 0 || this.#closed) return !this.#waitingDrain
    this.#out = []
    const total = this.#outBytes
    this.#outBytes = 0
    const socket = this.#socket
    let ok: boolean
    if (out.length === 1) {
      const only = out[0] as string | Uint8Array
      ok = typeof only === 'string' ? socket.write(only, 'latin1') : socket.write(only)
    } else if (total <= COALESCE_LIMIT) {
      // Small pieces (heads, small bodies, a pipelined burst): one buffer, one write, one syscall.
      const shared = this.#kernelCopies && socket.writableLength === 0
      const buf = shared ? (scratch ??= Buffer.allocUnsafeSlow(COALESCE_LIMIT)) : Buffer.allocUnsafe(total)
      let offset = 0
      for (let i = 0; i < out.length; i++) {
        const part = out[i] as string | Uint8Array
        if (typeof part === 'string') offset += buf.write(part, offset, 'latin1')
        else {
          buf.set(part, offset)
          offset += part.length
        }
      }
      ok = socket.write(shared ? buf.subarray(0, total) : buf)
      if (shared && socket.writableLength !== 0) scratch = null
    } else {
      // Large bodies are not copied: corked writes leave as one writev.
      socket.cork()
      ok = true
      for (const part of out) ok = (typeof part === 'string' ? socket.write(part, 'latin1') : socket.write(part)) && ok
      socket.uncork()
    }
    if (!ok) this.#waitForDrain(null)
    return ok
  }

  /** Marks the socket as full: nothing more is produced until `drain` (then `next` runs, if given). */
  #waitForDrain(next: (() => void) | null): void {
    if (next !== null) this.#afterDrain = next
    if (this.#waitingDrain) return
    this.#waitingDrain = true
    this.#drainSince = Date.now()
    this.#updateDeadline()
  }

  #onDrain(): void {
    if (!this.#waitingDrain) return
    this.#waitingDrain = false
    const next = this.#afterDrain
    this.#afterDrain = null
    this.#updateDeadline()
    if (next !== null) next()
    else this.#pump()
  }

  // ── deadlines ────────────────────────────────────────────────────────────

  #updateDeadline(): void {
    if (this.#closed || this.#drain !== DRAIN_NONE || this.#closing) return
    const o = this.#options
    if (this.#waitingDrain) this.deadline = this.#drainSince + o.sendTimeout
    else if (this.#parsing !== null) this.deadline = this.#parsing.start + o.requestTimeout
    else if (!this.#parser.idle || this.#pendingInput !== null) this.deadline = this.#msgStart + o.headersTimeout
    else if (!this.#active && this.#queue.length === 0) {
      this.deadline = this.#msgOpen ? this.#msgStart + o.headersTimeout : this.#idleSince + o.keepAliveTimeout
    } else this.deadline = 0
  }

  /** @see Timed.onTimeout */
  onTimeout(now: number): void {
    if (this.#closed) return
    if (this.#drain !== DRAIN_NONE || this.#closing || this.#waitingDrain) {
      debug('%s timeout: destroying', this.#drain === DRAIN_BODY ? 'discard' : this.#drain === DRAIN_CLOSE ? 'linger' : this.#waitingDrain ? 'send' : 'close')
      this.#socket.destroy()
      return
    }
    this.#updateDeadline()
    if (this.deadline === 0 || this.deadline > now) return
    const parsing = this.#parsing
    if (parsing !== null || !this.#parser.idle || this.#pendingInput !== null) {
      // Slow head or slow body: 408 in order, then close.
      debug('request timeout: 408')
      parsing?.body?.fail(new HttpError(408, 'Request Timeout', { reason: 'request-timeout' }))
      this.#parsing = null
      this.deadline = 0
      if (parsing !== null && this.#queue.includes(parsing)) {
        // Its handler will see the failed body (and answer 408 through the error path); stop reading.
        this.#stopReading()
        return
      }
      this.#stopReading()
      this.#queue.push({ head: null, req: null, res: null, body: null, errorStatus: 408, start: now })
      this.#pump()
      return
    }
    debug('keep-alive timeout: closing idle connection')
    this.#socket.destroy()
  }
}
