import { holdClock, monotonicMs, releaseClock } from './clock.js'
import type { Socket } from 'node:net'
import type { Duplex, Readable } from 'node:stream'
import { createDebug } from '../debug-log.js'
import { BODY_HIGH_WATER_MARK, BodySource, type BodySourceHooks } from './body-source.js'
import type { ConnectionHost, ConnectionOptions } from './connection-host.js'
import {
  ACTIVE,
  CLOSING,
  DISCARDING_BODY,
  IDLE,
  LINGERING,
  PAUSED_FOR_BODY,
  PAUSED_PIPELINE,
  READING,
  STOPPED,
  type ReadState,
  type WriteState,
} from './connection-state.js'
import { asksUpgrade, wireAnswer, type Exchange } from './exchange.js'
import { Output, type OutputOwner } from './output.js'
import { PARSE_ERROR_STATUS, type ParseErrorCode } from './parse-error.js'
import { isSecure, type Peer } from './peer.js'
import { RequestParser, type ParserHandler } from './parser.js'
import type { RequestHead } from './request-head.js'
import { listen, type SocketOwner } from './socket-listeners.js'
import { WireError } from './wire-error.js'

const debug = createDebug('tinyhttp:core:connection')

const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1')

/**
 * The read side of a connection: reads its socket, feeds the parser, queues the requests it yields
 * (pausing behind `maxPipelined` of them, or behind an upgrade request), fills their bodies with
 * back-pressure, sends `100 Continue` when a body is first read, discards an unread body after an early
 * answer, and turns parse errors, EOF and overflow into wire answers. What it does with the queue
 * (answering, closing, deadlines) is {@link Connection}'s.
 *
 * @internal
 */
export abstract class ConnectionReader implements ParserHandler, BodySourceHooks, OutputOwner, SocketOwner {
  protected readonly host: ConnectionHost
  protected readonly options: ConnectionOptions
  protected readonly parser: RequestParser
  protected readonly out: Output
  /** Who the requests come from: the socket itself, or the client a PROXY header named. */
  protected readonly peer: Peer
  /** Requests in order; the head of the queue is the one being answered. Null while there is none. */
  protected queue: Exchange[] | null = null
  /** The exchange whose body the parser is reading, if any. */
  protected parsing: Exchange | null = null
  protected read: ReadState = READING
  protected write: WriteState = IDLE
  /** Set while the parser or the answering loop runs: a nested call to `pump` leaves the work to it. */
  protected busy = false
  /** Bytes read but not parsed yet (the parser is paused). */
  protected pendingInput: Buffer | null = null
  /** Clock ms ({@link monotonicMs}) of the first byte of the message being read (or of connect); 0 between messages. */
  protected msgStart: number
  /** Clock ms ({@link monotonicMs}) since when the connection has been between requests (its keep-alive deadline). */
  protected idleSince: number
  /** Bytes dropped while discarding a body or lingering (bounded by `lingerBytes`). */
  protected dropped = 0

  /**
   * @param socket - a `net.Socket`, a `tls.TLSSocket` or any Duplex
   * @param host - the App
   * @param options - timeouts and limits
   * @param peer - who the requests come from @defaultValue the socket
   */
  constructor(socket: Duplex, host: ConnectionHost, options: ConnectionOptions, peer: Peer) {
    this.host = host
    this.options = options
    this.peer = peer
    const net = socket as Partial<Socket>
    this.out = new Output(socket, this, isSecure(socket))
    // The connection is the parser's handler and the socket's listeners are shared by all connections:
    // no closures per connection.
    this.parser = new RequestParser(this, options.limits)
    const now = monotonicMs()
    this.msgStart = now
    this.idleSince = now
    if (typeof net.setNoDelay === 'function') net.setNoDelay(true)
    listen(socket, this)
  }

  /** Whether nothing is in flight: no request queued or running and no partial request read. */
  get idle(): boolean {
    return !this.answering && this.parser.idle && this.pendingInput === null
  }

  /** Whether an answer is in progress or queued. */
  protected get answering(): boolean {
    return this.write === ACTIVE || this.write === CLOSING || (this.queue !== null && this.queue.length > 0)
  }

  /** @internal */
  onData(chunk: Buffer): void {
    const read = this.read
    if (read === LINGERING) return this.drop(chunk.length)
    if (read >= STOPPED) return
    if (this.pendingInput !== null) {
      // Paused parser: keep the bytes in order behind what is waiting.
      this.pendingInput = Buffer.concat([this.pendingInput, chunk])
      this.pauseSocket()
      return
    }
    // First bytes of a new message (empty lines before a request-line count too, so a client cannot
    // keep a connection alive with a trickle of CRLFs).
    const now = holdClock()
    try {
      if (this.msgStart === 0) this.msgStart = now
      this.feed(chunk)
      this.updateDeadline()
    } finally {
      releaseClock()
    }
  }

  protected feed(chunk: Buffer): void {
    const busy = this.busy
    this.busy = true
    const consumed = this.parser.execute(chunk)
    this.busy = busy
    const error = this.parser.error
    if (error !== null) this.onParseError(error)
    else if (consumed < chunk.length && this.read < STOPPED) {
      this.pendingInput = chunk.subarray(consumed)
      this.read = PAUSED_PIPELINE
      this.pauseSocket()
    }
    // Bytes of the next message came with this input: its header deadline starts now.
    if (this.msgStart === 0 && (this.pendingInput !== null || !this.parser.idle)) this.msgStart = monotonicMs()
    // Requests parsed from this input are answered now, in order, outside the parser.
    this.pump()
  }

  /** @see ParserHandler.onHead */
  onHead(head: RequestHead): void {
    if (this.read >= STOPPED) return
    // A request pipelined in the same read as the end of the previous one started now.
    const exchange: Exchange = { head, body: null, errorStatus: 0, start: this.msgStart || monotonicMs(), plan: null, upgrade: asksUpgrade(head) }
    if (head.expect === 'unknown') {
      exchange.errorStatus = 417
      this.host.wireStats.rejected('EXPECTATION_FAILED')
      this.stopReading()
    } else if (head.chunked || head.contentLength > 0) {
      exchange.body = new BodySource(head.chunked ? -1 : head.contentLength, this)
      this.parsing = exchange
    }
    this.enqueue(exchange)
    this.pump()
  }

  /** Appends to the queue; the queue of one request is an array of one (it is dropped when empty). */
  protected enqueue(exchange: Exchange): void {
    if (this.queue === null) this.queue = [exchange]
    else this.queue.push(exchange)
  }

  /** @see ParserHandler.onBody */
  onBody(chunk: Buffer): void {
    if (this.read === DISCARDING_BODY) return this.drop(chunk.length)
    const body = this.parsing?.body
    if (body == null) return
    body.push(Buffer.from(chunk))
    if (body.buffered >= BODY_HIGH_WATER_MARK && this.read === READING) {
      this.read = PAUSED_FOR_BODY
      this.pauseSocket()
    }
  }

  /** @see ParserHandler.onComplete */
  onComplete(): boolean {
    this.msgStart = 0
    const exchange = this.parsing
    if (exchange !== null) {
      this.parsing = null
      exchange.body?.end()
      if (this.read === DISCARDING_BODY) {
        // The answered request's body is gone: the connection is between requests again.
        this.read = READING
        this.idleSince = monotonicMs()
      }
    }
    if (this.read >= STOPPED) return true
    // Pause when enough requests wait behind the one being answered, or behind an upgrade request
    // (what follows it may not be HTTP).
    const queue = this.queue
    if (queue === null) return false
    return queue.length > this.options.maxPipelined || queue[queue.length - 1]?.upgrade === true
  }

  /** @see BodySourceHooks.onFirstRead */
  onFirstRead(source: BodySource): void {
    const exchange = this.queue?.[0]
    if (exchange?.body !== source || exchange.head?.expect !== 'continue') return
    if (!source.complete && source.received === 0 && exchange.plan === null) {
      this.out.write(CONTINUE)
      this.out.flush()
    }
  }

  /** @see BodySourceHooks.onDrain */
  onDrain(): void {
    if (this.read !== PAUSED_FOR_BODY) return
    this.read = READING
    this.resumeSocket()
  }

  protected onParseError(code: ParseErrorCode): void {
    const status = PARSE_ERROR_STATUS[code] ?? 400
    debug('parse error %s → %d', code, status)
    const parsing = this.parsing
    this.stopReading()
    const queue = (this.queue ??= [])
    if (parsing !== null) {
      this.parsing = null
      // Its broken framing came in the bytes that carried its head, or behind other queued requests: it
      // was not dispatched yet, so it is answered with the parse error, like nginx, lighttpd and h2o.
      const at = queue.indexOf(parsing)
      if (at > 0 || (at === 0 && this.write === IDLE)) {
        queue[at] = wireAnswer(parsing.head, status, parsing.start)
        this.host.wireStats.rejected(code)
        this.pump()
        return
      }
      // Its handler already runs (or ran): it gets exactly one answer (a 400 if it reads the body, else
      // whatever it answers), then the connection closes; nothing behind the broken body is parsed.
      parsing.body?.fail(new WireError(400, code))
      if (this.write === IDLE && queue.length === 0) this.dropSocket()
      return
    }
    queue.push(wireAnswer(null, status, this.msgStart || monotonicMs()))
    this.host.wireStats.rejected(code)
    this.pump()
  }

  /** @internal */
  onEnd(): void {
    // The client finished sending. Answer what is queued, then close.
    const error = this.parser.finish()
    if (error !== null) debug('connection ended mid-request (%s)', error)
    const parsing = this.parsing
    if (parsing !== null) {
      this.parsing = null
      parsing.body?.fail(new WireError(400, 'incomplete-body'))
    }
    const read = this.read
    if (read < STOPPED) this.read = STOPPED
    if (read === DISCARDING_BODY || read === LINGERING || !this.answering) this.dropSocket()
  }

  /** @internal */
  onError(err: Error): void {
    debug('socket error: %s', err.message)
    this.out.socket.destroy()
  }

  /**
   * Destroys the socket of a connection with nothing in progress, after handing the kernel the answers
   * still waiting for this turn's flush (`Output.scheduleFlush`): they were complete, so they leave.
   */
  protected dropSocket(): void {
    const out = this.out
    out.flush()
    out.socket.destroy()
  }

  protected pauseSocket(): void {
    ;(this.out.socket as Readable).pause()
  }

  protected resumeSocket(): void {
    const read = this.read
    if (read === READING || read === DISCARDING_BODY || read === LINGERING) (this.out.socket as Readable).resume()
  }

  protected stopReading(): void {
    if (this.read < STOPPED) this.read = STOPPED
    this.pendingInput = null
    this.pauseSocket()
  }

  /** Feeds bytes held back by a parser pause once the queue has room again. */
  protected resumeParsing(): void {
    if (this.read >= STOPPED || (this.queue?.length ?? 0) > this.options.maxPipelined) return
    // The parser may have paused exactly at the end of a read, with nothing held back.
    this.parser.resume()
    const pending = this.pendingInput
    if (pending === null) return
    this.pendingInput = null
    if (this.read === PAUSED_PIPELINE) this.read = READING
    this.feed(pending)
    if (this.pendingInput === null) this.resumeSocket()
  }

  /** Counts bytes dropped while discarding or lingering; past `lingerBytes` the connection closes. */
  protected drop(bytes: number): void {
    this.dropped += bytes
    if (this.dropped <= this.options.lingerBytes) return
    if (this.read === LINGERING) {
      this.out.socket.destroy()
      return
    }
    debug('discarded body over lingerBytes: closing')
    this.stopReading()
    this.endConnection(true)
  }

  /** Answers what is queued, in order. */
  protected abstract pump(): void
  /** Sets the one deadline that matters now. */
  protected abstract updateDeadline(): void
  /**
   * Ends the connection after its last answer: lingering when the client may still send, closing at
   * once when it said it sends nothing more (`promisedEnd`) and nothing it sent is left unread.
   */
  protected abstract endConnection(linger: boolean, promisedEnd?: boolean): void
  /** @see OutputOwner.onWritable */
  abstract onWritable(): void
  /** @see OutputOwner.onBlockedChange */
  abstract onBlockedChange(): void
  /** @see SocketOwner.onClose */
  abstract onClose(): void
  /** @see SocketOwner.onSocketDrain */
  abstract onSocketDrain(): void
}

