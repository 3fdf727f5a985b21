import { monotonicMs } from './clock.js'
import type { Duplex, Readable } from 'node:stream'
import { createDebug } from '../debug-log.js'
import type { BodySource } from './body-source.js'
import type { ConnectionHost, ConnectionOptions } from './connection-host.js'
import { ConnectionReader } from './connection-reader.js'
import { ACTIVE, CLOSED, CLOSING, DISCARDING_BODY, ENDED, IDLE, LINGERING, PAUSED_FOR_BODY, STOPPED } from './connection-state.js'
import type { Timed } from './deadline-set.js'
import { encodeHead } from './encode-head.js'
import { wireAnswer, type Exchange } from './exchange.js'
import { disposeBody } from './file-body.js'
import type { BodyOwner } from './output.js'
import { isSecure, type Peer } from './peer.js'
import type { RequestHead } from './request-head.js'
import { BODY_BYTES, ResponsePlan } from './response-plan.js'
import { sendFile } from './send-file.js'
import { sendStream } from './send-stream.js'
import { unlisten } from './socket-listeners.js'
import { bodyDiscarded, connectionClosed, connectionClosing, WireError } from './wire-error.js'
import { minimalResponse } from './writer.js'

const debug = createDebug('tinyhttp:core:connection')

const NO_BYTES = Buffer.alloc(0)
/** How long a shutdown leaves a new connection that has not sent a byte yet (see `shutdown()`). */
const FIRST_REQUEST_GRACE_MS = 200

/**
 * One client connection: reads through {@link ConnectionReader}, and answers here. Asks its host for
 * each queued request's answer strictly in order, writes the plans through its {@link Output} (bodies
 * through `sendFile`/`sendStream`), decides keep-alive or close, owns every deadline of its socket, and
 * hands the socket over on a protocol upgrade.
 *
 * @example
 * ```ts
 * server.on('connection', socket => connections.add(new Connection(socket, host, options)))
 * ```
 * @internal
 */
export class Connection extends ConnectionReader implements Timed, BodyOwner {
  /** @see Timed.deadline */
  deadline = 0
  /** @see Timed.deadlineSlot */
  deadlineSlot = -1
  private served = 0
  /** Callbacks for an answer that comes later, made on the connection's first asynchronous answer. */
  private onAnswer: ((plan: ResponsePlan) => void) | null = null
  private onAnswerFailed: ((err: unknown) => void) | null = null

  /**
   * @param socket - a `net.Socket`, a `tls.TLSSocket` or any Duplex
   * @param host - the App
   * @param options - timeouts and limits
   * @param peer - who the requests come from (the socket, or the client a PROXY header named)
   */
  constructor(socket: Duplex, host: ConnectionHost, options: ConnectionOptions, peer: Peer = socket as Peer) {
    super(socket, host, options, peer)
    this.deadline = this.msgStart + options.headersTimeout
    host.deadlines.add(this)
  }

  /**
   * Closes the connection if it is idle or only discarding the body of a request already answered;
   * otherwise the response in flight will say `Connection: close`. A connection accepted less than
   * 200 ms ago that has not sent a byte is left for now (its request may be on its way).
   */
  shutdown(): void {
    if (this.read === CLOSED) return
    // Accepted a moment ago and silent: its first request is most likely on its way (a client writes it
    // right after connecting); cut now, it would be lost unanswered. `App.close()` asks again every 20 ms.
    if (this.served === 0 && this.idle && monotonicMs() - this.msgStart < FIRST_REQUEST_GRACE_MS) return
    if (this.idle || this.read === DISCARDING_BODY) this.dropSocket()
  }

  /**
   * The host started draining: closes the connection if it is an idle keep-alive one (it has answered a
   * request and waits for the next) or only discarding a body; a connection that has not sent its first
   * request yet stays, and gets its one answer with `Connection: close`.
   */
  drain(): void {
    if (this.read === CLOSED) return
    if ((this.idle && this.served > 0) || this.read === DISCARDING_BODY) this.dropSocket()
  }

  /** Destroys the socket now. */
  destroy(): void {
    this.out.socket.destroy()
  }

  /** @see BodyOwner.gone */
  get gone(): boolean {
    return this.read === CLOSED
  }

  /** @internal */
  onClose(): void {
    if (this.read === CLOSED) return
    this.read = CLOSED
    this.host.deadlines.delete(this)
    const out = this.out
    out.abortBody?.()
    out.abortBody = null
    // A response cut while its body was being written: tell its listeners what left.
    const current = this.write === ACTIVE || this.write === CLOSING ? this.queue?.[0] : undefined
    if (current?.plan != null) this.ended(current.plan, out.bodyBytesLeft(), true)
    // An Error (and its stack) only when some body is still waiting for bytes.
    let lost: WireError | null = null
    const queue = this.queue
    if (queue !== null) for (const exchange of queue) if (exchange.body !== null) exchange.body.fail((lost ??= connectionClosed()))
    if (this.parsing?.body != null) this.parsing.body.fail((lost ??= connectionClosed()))
    this.parsing = null
    out.clear()
    this.host.release(this)
  }

  // ── answering ────────────────────────────────────────────────────────────

  /**
   * Answers queued requests in order, one at a time: an answer the host gives at once is written and
   * the loop goes on to the next request; a promised one ends the loop until it settles. Never runs
   * inside the parser (requests parsed from one input wait until `execute` returns) and never nests (a
   * call from inside the loop returns, the loop picks the work up), so the stack stays flat however many
   * requests one read brings.
   */
  protected override pump(): void {
    if (this.busy) return
    this.busy = true
    try {
      while (this.write === IDLE && this.read !== CLOSED && !this.out.blocked) {
        const exchange = this.queue?.[0]
        if (exchange === undefined) break
        this.write = ACTIVE
        if (exchange.errorStatus !== 0) {
          this.write = CLOSING
          this.stopReading()
          this.out.write(minimalResponse(exchange.errorStatus))
          this.finish()
          continue
        }
        const socket = this.out.socket
        const answer = this.host.serve(exchange.head as RequestHead, exchange.body, this.peer, isSecure(socket))
        if (answer instanceof ResponsePlan) this.send(exchange, answer)
        else {
          answer.then((this.onAnswer ??= plan => this.answered(plan)), (this.onAnswerFailed ??= err => this.answerFailed(err)))
          break
        }
      }
    } finally {
      this.busy = false
    }
  }

  private answered(plan: ResponsePlan): void {
    const exchange = this.queue?.[0]
    if (exchange !== undefined) this.send(exchange, plan)
  }

  private answerFailed(err: unknown): void {
    // The response was already on the wire: the only honest thing left is to cut the connection.
    debug('error after commit: %o', err)
    this.out.socket.destroy()
  }

  private send(exchange: Exchange, plan: ResponsePlan): void {
    if (this.read === CLOSED) {
      disposeBody(plan.file ?? plan.stream)
      this.ended(plan, 0, true)
      return
    }
    const head = exchange.head as RequestHead
    const body = exchange.body
    const queue = this.queue as Exchange[]
    if (plan.upgrade !== null) return this.switchProtocols(exchange, plan)
    const max = this.options.maxRequestsPerSocket
    this.served++
    // Close after this answer when the client asked, the App drains or shuts down, the body is still coming
    // and cannot be discarded, the per-socket budget is spent, or nothing more will be read and nothing
    // else is queued.
    const keepAlive =
      head.keepAlive &&
      !this.host.draining &&
      (body === null || body.complete || this.discardable(head, body)) &&
      (max === 0 || this.served < max) &&
      !(this.read >= STOPPED && queue.length <= 1)
    encodeHead(plan, head.method === 'HEAD', head.versionMinor, keepAlive)
    exchange.plan = plan
    if (plan.close) {
      this.write = CLOSING
      this.stopReading()
    }
    // Head and body are queued as they are; the output copies small ones into one buffer and hands
    // large ones to the kernel as they are (one writev), so nothing is copied twice.
    const out = this.out
    const bytes = plan.bytes
    out.bodySent = 0
    if (plan.whole !== null) {
      // A small body from memory with its remembered head: one buffer that already exists.
      out.write(plan.whole)
      out.bodySent = (bytes as Uint8Array).length
    } else {
      out.write(plan.head as Buffer)
      if (plan.headText !== '') out.write(plan.headText)
      if (plan.kind === BODY_BYTES && bytes !== null && bytes.length > 0) {
        out.write(bytes)
        out.bodySent = bytes.length
      }
    }
    if (plan.file !== null) {
      out.flush()
      sendFile(out, this, plan.file)
    } else if (plan.stream !== null) {
      out.flush()
      sendStream(out, this, plan.stream, plan.chunked, plan.length)
    } else this.finish()
  }

  /** @see BodyOwner.bodyDone */
  bodyDone(): void {
    this.finish()
  }

  /** @see BodyOwner.bodyFailed */
  bodyFailed(reason: string): void {
    debug('%s', reason)
    this.out.socket.destroy()
  }

  /** The answer at the head of the queue has been handed to the output: on to the next, or close. */
  private finish(): void {
    const queue = this.queue as Exchange[]
    const exchange = queue.shift() as Exchange
    const out = this.out
    const closing = this.write === CLOSING
    this.write = closing ? ENDED : IDLE
    if (exchange.plan !== null) this.ended(exchange.plan, out.bodySent, false)
    const body = exchange.body
    const unfinished = body !== null && !body.complete
    body?.discard()
    // Draining: an answer that started before the drain (and promised keep-alive) is the last one too.
    if (closing || (queue.length === 0 && (this.read >= STOPPED || this.host.draining))) {
      this.write = ENDED
      // A request that said `Connection: close` (or HTTP/1.0 without keep-alive) promised nothing follows it.
      const promisedEnd = exchange.head !== null && !exchange.head.keepAlive && queue.length === 0
      this.endConnection(unfinished || this.parsing !== null || !this.parser.idle, promisedEnd)
      return
    }
    if (unfinished) this.discardBody(body)
    // Kept open: the answer leaves with the others of this turn of the event loop (Output.scheduleFlush).
    out.scheduleFlush()
    if (queue.length === 0) {
      this.idleSince = monotonicMs()
      this.queue = null // an idle connection holds no queue
    }
    this.resumeParsing()
    this.updateDeadline()
    this.pump()
  }

  /**
   * Whether the unfinished body of a request being answered can be read and dropped so the connection
   * stays open (like nginx's discarded body): the application never started reading it, the client is
   * not waiting for `100 Continue` before sending it, and what is still to come (Content-Length) fits in
   * `lingerBytes`; a chunked body is counted as it arrives ({@link Connection.drop}).
   */
  private discardable(head: RequestHead, body: BodySource): boolean {
    if (body.started || head.expect === 'continue') return false
    return body.expectedLength < 0 || body.expectedLength - body.received <= this.options.lingerBytes
  }

  /** Starts dropping the rest of an answered request's body, within `lingerBytes` and `lingerTimeout`. */
  private discardBody(body: BodySource): void {
    // The application let it go; a late reader gets an error instead of a truncated body.
    body.fail(bodyDiscarded())
    const wasPaused = this.read === PAUSED_FOR_BODY
    this.read = DISCARDING_BODY
    this.dropped = 0
    this.deadline = monotonicMs() + this.options.lingerTimeout
    if (wasPaused) this.resumeSocket()
  }

  /**
   * Ends the connection after the last response; lingers when the client may still be sending a body.
   * When the client promised to send nothing more and every byte of the answer is already in the kernel,
   * the socket is closed at once, as nginx does: the kernel sends the answer, then the FIN, without a
   * `shutdown` and without waiting for the client's own FIN.
   */
  protected override endConnection(linger: boolean, promisedEnd = false): void {
    if (this.read === CLOSED) return
    this.write = ENDED
    const queue = this.queue
    if (queue !== null) {
      for (const rest of queue) rest.body?.fail(connectionClosing())
      this.queue = null // dropped rather than truncated: setting `length` is a call into the runtime
    }
    const unread = this.pendingInput !== null
    this.parsing = null
    this.pendingInput = null
    const out = this.out
    // Answers still waiting for this turn's flush leave before the FIN.
    out.flush()
    const socket = out.socket
    if (promisedEnd && !linger && !unread && out.allInKernel) {
      // Nothing unread here and none to come: closing sends the FIN after the answer, never a reset.
      socket.destroy()
      return
    }
    socket.end()
    this.deadline = monotonicMs() + this.options.lingerTimeout
    if (!socket.readableEnded) {
      // Like nginx's lingering close: read and drop what the client is still sending (up to `lingerBytes`,
      // within `lingerTimeout`), so that its TCP stack does not reset the connection before it has read
      // our answer, and so that its FIN, which ends the connection, is seen even after reading stopped.
      this.read = LINGERING
      this.dropped = 0
      socket.resume()
    }
  }

  /**
   * Switches protocols (RFC 9110 §7.8): writes the `101` head, stops being an HTTP connection and hands
   * the socket, with the bytes already read past the request head, to the plan's upgrade handler.
   * Refused (a `400`, then close; `503` while the host is closing) unless the request asked for an
   * upgrade with an `Upgrade` field, is HTTP/1.1, has no body and is the last request read: bytes behind
   * it belong to the new protocol, and a body or a pipelined request would leave them ambiguous. (The
   * parser pauses after a request with an `Upgrade` field, so nothing is queued behind one that the
   * client sent alone.)
   */
  private switchProtocols(exchange: Exchange, plan: ResponsePlan): void {
    const handler = plan.upgrade as NonNullable<ResponsePlan['upgrade']>
    const head = exchange.head as RequestHead
    const closing = this.host.closing
    if (closing || !exchange.upgrade || head.versionMinor !== 1 || exchange.body !== null || (this.queue as Exchange[]).length > 1) {
      debug('upgrade refused: %s', closing ? 'shutting down' : !exchange.upgrade ? 'no Upgrade field' : head.versionMinor !== 1 ? 'HTTP/1.0' : exchange.body !== null ? 'request body' : 'pipelined requests')
      this.ended(plan, 0, true)
      this.write = CLOSING
      this.stopReading()
      this.out.write(minimalResponse(closing ? 503 : 400))
      this.finish()
      return
    }
    encodeHead(plan, false, 1, true)
    const out = this.out
    out.write(plan.head as Buffer)
    out.write(plan.headText)
    out.flush()
    const socket = out.socket
    const rest = this.pendingInput ?? NO_BYTES
    this.pendingInput = null
    this.queue = null
    this.read = CLOSED
    this.write = ENDED
    this.deadline = 0
    unlisten(socket)
    ;(socket as Readable).pause()
    this.host.deadlines.delete(this)
    this.host.release(this)
    this.ended(plan, 0, false)
    const lifecycle = this.host.adopt(socket)
    try {
      handler(socket, rest, lifecycle)
    } catch (err) {
      debug('upgrade handler threw: %o', err)
      socket.destroy()
    }
  }

  /** Tells a plan's end listener how it ended; a listener that throws is logged, never fatal. */
  private ended(plan: ResponsePlan, bytes: number, aborted: boolean): void {
    const listener = plan.onEnd
    if (listener === null) return
    plan.onEnd = null
    try {
      listener(bytes, aborted)
    } catch (err) {
      debug('response end listener failed: %o', err)
    }
  }

  // ── writing ──────────────────────────────────────────────────────────────

  /** @see OutputOwner.onWritable */
  onWritable(): void {
    this.pump()
  }

  /** @see OutputOwner.onBlockedChange */
  onBlockedChange(): void {
    this.updateDeadline()
  }

  /** @internal */
  onSocketDrain(): void {
    this.out.onDrain()
  }

  // ── deadlines ────────────────────────────────────────────────────────────

  /** Sets the one deadline that matters now: send, body, head, or keep-alive. */
  protected override updateDeadline(): void {
    const read = this.read
    if (read === CLOSED || read === DISCARDING_BODY || read === LINGERING || this.write >= CLOSING) return
    const o = this.options
    const out = this.out
    if (out.blocked) this.deadline = out.blockedSince + o.sendTimeout
    else if (this.parsing !== null) this.deadline = this.parsing.start + o.requestTimeout
    else if (!this.parser.idle || this.pendingInput !== null) this.deadline = this.msgStart + o.headersTimeout
    else if (this.write === IDLE && (this.queue === null || this.queue.length === 0)) {
      this.deadline = this.msgStart !== 0 ? this.msgStart + o.headersTimeout : this.idleSince + o.keepAliveTimeout
    } else this.deadline = 0
  }

  /** @see Timed.onTimeout */
  onTimeout(now: number): void {
    const read = this.read
    if (read === CLOSED) return
    if (read === DISCARDING_BODY || read === LINGERING || this.write >= CLOSING || this.out.blocked) {
      debug('%s timeout: destroying', read === DISCARDING_BODY ? 'discard' : read === LINGERING ? 'linger' : this.out.blocked ? 'send' : 'close')
      this.out.socket.destroy()
      return
    }
    this.updateDeadline()
    if (this.deadline === 0 || this.deadline > now) return
    const parsing = this.parsing
    if (parsing !== null || !this.parser.idle || this.pendingInput !== null) {
      // Slow head or slow body: 408 in order, then close.
      debug('request timeout: 408')
      parsing?.body?.fail(new WireError(408, 'request-timeout'))
      this.parsing = null
      this.deadline = 0
      this.stopReading()
      // A request whose handler runs sees its failed body (and answers 408 through the error path).
      if (parsing !== null && this.queue?.includes(parsing) === true) return
      this.enqueue(wireAnswer(null, 408, now))
      this.host.wireStats.rejected('REQUEST_TIMEOUT')
      this.pump()
      return
    }
    debug('keep-alive timeout: closing idle connection')
    this.out.socket.destroy()
  }
}

