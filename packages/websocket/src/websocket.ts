import { EventEmitter } from 'node:events'
import type { Duplex } from 'node:stream'
import { createDebug } from 'tinyhttp-core'
import { closePayload } from './frame-writer.js'
import { FrameParser, type Frame, type FrameHandler } from './frame-parser.js'
import type { FrameError } from './frame-error.js'
import type { MessageCodec } from './message-codec.js'
import { MessageIterator, type Message } from './message-iterator.js'
import { MessageReceiver, type MessageSink } from './message-receiver.js'
import { CLOSE_CODE, isWireCloseCode, MAX_CONTROL_PAYLOAD, OPCODE } from './protocol.js'
import { Sender } from './sender.js'

const debug = createDebug('tinyhttp:websocket')

/**
 * The events of a {@link WebSocket} and their arguments, as `ws` has them.
 *
 * @example
 * ```ts
 * ws.on('message', (data, isBinary) => console.log(isBinary ? data : data.toString()))
 * ws.on('close', (code, reason) => console.log(code, reason.toString()))
 * ```
 */
export interface WebSocketEvents {
  /** A whole message: its bytes, and whether it was binary (else UTF-8 text, already validated). */
  message: [data: Buffer, isBinary: boolean]
  /** The connection closed: the code of the peer's close frame (1005 when it had none), or the code this side failed with, or 1006 without a close frame. */
  close: [code: number, reason: Buffer]
  /** A ping arrived (a pong was sent back already). */
  ping: [data: Buffer]
  /** A pong arrived. */
  pong: [data: Buffer]
  /** A protocol error or a socket error; emitted only when someone listens (a connection failing never throws). */
  error: [error: Error]
  /** What {@link WebSocket.send} buffered has been handed to the kernel. */
  drain: []
}

/**
 * How {@link WebSocket.send} frames a message.
 *
 * @example
 * ```ts
 * ws.send(bytes, { binary: true, compress: false })
 * ```
 */
export interface SendOptions {
  /** Send a binary message (else text). @defaultValue false for a string, true for bytes */
  readonly binary?: boolean
  /** Compress when permessage-deflate was negotiated and the message reaches its threshold. @defaultValue true */
  readonly compress?: boolean
}

/** What the server decided for one connection. @internal */
export interface WebSocketSettings {
  readonly maxPayload: number
  readonly maxBufferedAmount: number
  readonly closeTimeout: number
  readonly protocol: string
  readonly extensions: string
  readonly codec: MessageCodec | null
  /** Told once, when the socket has closed. */
  readonly onClosed?: (ws: WebSocket) => void
}

/** Why reading is paused: bits. */
const PAUSED_INFLATING = 1
const PAUSED_ITERATOR = 2

/**
 * One WebSocket connection, server side, with the API of the `ws` package: events (`message`, `close`,
 * `ping`, `pong`, `error`, `drain`), `send`, `ping`, `pong`, `close`, `terminate`, `readyState`,
 * `bufferedAmount`, `protocol`, `extensions`, and `for await (const { data, isBinary } of ws)`.
 * Made by {@link websocket}; never constructed by hand.
 *
 * @example
 * ```ts
 * app.use(websocket({ path: '/echo' }, ws => {
 *   ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }))
 * }))
 * ```
 */
export class WebSocket extends EventEmitter<WebSocketEvents> {
  /** `readyState`: not used server side (a server WebSocket starts open). */
  static readonly CONNECTING = 0
  /** `readyState`: messages flow. */
  static readonly OPEN = 1
  /** `readyState`: a close frame was sent or received. */
  static readonly CLOSING = 2
  /** `readyState`: the TCP connection is closed. */
  static readonly CLOSED = 3

  /** The subprotocol the server selected, or `''`. */
  readonly protocol: string
  /** The `Sec-WebSocket-Extensions` the server answered with, or `''`. */
  readonly extensions: string
  /** Past this many buffered bytes a `send` closes the connection with 1008 (the peer does not read). */
  readonly maxBufferedAmount: number

  readonly #socket: Duplex
  readonly #settings: WebSocketSettings
  readonly #parser: FrameParser
  readonly #receiver: MessageReceiver
  readonly #sender: Sender
  #state: 1 | 2 | 3 = WebSocket.OPEN
  #closeSent = false
  #closeReceived = false
  #code: number = CLOSE_CODE.ABNORMAL
  #reason: Buffer = EMPTY
  #timer: NodeJS.Timeout | null = null
  #needDrain = false
  #paused = 0
  /** Whether a pong (or anything) came since the last heartbeat ping. @internal */
  alive = true

  /**
   * @param socket - the upgraded socket
   * @param settings - what the handshake decided
   * @internal
   */
  constructor(socket: Duplex, settings: WebSocketSettings) {
    super()
    this.#socket = socket
    this.#settings = settings
    this.protocol = settings.protocol
    this.extensions = settings.extensions
    this.maxBufferedAmount = settings.maxBufferedAmount
    // One link object serves the parser and the receiver (methods on its prototype: no closure per socket).
    const link = new WebSocket.#Link(this)
    this.#parser = new FrameParser(link, { maxPayload: settings.maxPayload, rsv1: settings.codec !== null })
    this.#receiver = new MessageReceiver(settings.codec, settings.maxPayload, link)
    // Only a compressing sender can fail on its own.
    this.#sender = new Sender(socket, settings.codec, settings.codec === null ? cannotFail : err => this.#fail(CLOSE_CODE.INTERNAL_ERROR, 'compression failed', err as Error))
  }

  /** What the parser and the receiver tell their WebSocket. */
  static readonly #Link = class WebSocketLink implements FrameHandler, MessageSink {
    readonly #ws: WebSocket
    constructor(ws: WebSocket) {
      this.#ws = ws
    }
    onFrame(frame: Frame): void {
      this.#ws.#onFrame(frame)
    }
    onError(err: FrameError): void {
      this.#ws.#onFrameError(err)
    }
    message(data: Buffer, isBinary: boolean): void {
      const ws = this.#ws
      if (ws.#state !== WebSocket.CLOSED) ws.emit('message', data, isBinary)
    }
    fail(code: number, reason: string): void {
      this.#ws.#fail(code, reason, null)
    }
    idle(): void {
      this.#ws.#setPaused(PAUSED_INFLATING, false)
    }
  }

  /**
   * The socket listeners, shared by every WebSocket: a listener's `this` is the socket, which points to
   * its WebSocket (one property on the socket instead of five closures).
   */
  static readonly #socketListeners = {
    data(this: Duplex, chunk: Buffer): void {
      ownerOf(this).#onData(chunk)
    },
    end(this: Duplex): void {
      ownerOf(this).#onEnd()
    },
    error(this: Duplex, err: Error): void {
      ownerOf(this).#onSocketError(err)
    },
    close(this: Duplex): void {
      ownerOf(this).#onClose()
    },
    drain(this: Duplex): void {
      ownerOf(this).#onDrain()
    },
  }

  /** {@link WebSocket.OPEN}, {@link WebSocket.CLOSING} or {@link WebSocket.CLOSED}. */
  get readyState(): number {
    return this.#state
  }

  /** The permessage-deflate context, or null. @internal */
  get codec(): MessageCodec | null {
    return this.#settings.codec
  }

  /** Bytes sent but not yet handed to the kernel: the socket's buffer plus messages waiting for zlib. */
  get bufferedAmount(): number {
    return this.#sender.bufferedAmount
  }

  /**
   * Starts reading: listeners on the socket, then the bytes that came with the handshake.
   *
   * @param head - bytes the core read past the request head
   * @internal
   */
  start(head: Buffer): void {
    const socket = this.#socket
    const listeners = WebSocket.#socketListeners
    ;(socket as SocketWithOwner)[OWNER] = this
    socket.on('data', listeners.data)
    socket.on('end', listeners.end)
    socket.on('error', listeners.error)
    socket.on('close', listeners.close)
    socket.on('drain', listeners.drain)
    if (head.length > 0) this.#onData(head)
    if (this.#paused === 0) socket.resume()
  }

  /**
   * Sends a message. Text is sent as UTF-8.
   *
   * @param data - a string (text unless `binary`), or bytes (binary unless `binary: false`)
   * @param options - binary or text, compression
   * @returns whether the frame was handed to the kernel at once; `false` when it waits in
   * {@link WebSocket.bufferedAmount} (a `drain` follows), or was not sent because the connection is not open
   * @throws TypeError for data that is neither a string nor bytes
   * @example
   * ```ts
   * if (!ws.send(JSON.stringify(update))) await once(ws, 'drain')
   * ```
   */
  send(data: string | Uint8Array | ArrayBuffer | DataView, options: SendOptions = {}): boolean {
    const bytes = toBuffer(data)
    if (this.#state !== WebSocket.OPEN) return false
    if (this.#sender.bufferedAmount > this.maxBufferedAmount) {
      debug('send buffer over %d bytes: closing 1008', this.maxBufferedAmount)
      this.#fail(CLOSE_CODE.POLICY_VIOLATION, 'send buffer full', null)
      return false
    }
    const binary = options.binary ?? typeof data !== 'string'
    const codec = this.#settings.codec
    const compress = codec !== null && options.compress !== false && codec.shouldCompress(bytes.length)
    const taken = this.#sender.send(binary ? OPCODE.BINARY : OPCODE.TEXT, bytes, compress)
    if (!taken) this.#needDrain = true
    return taken
  }

  /**
   * Sends a frame framed once for several sockets ({@link broadcast}), maybe still being compressed.
   *
   * @param frame - the frame, or its promise
   * @param bytes - its size
   * @returns as for {@link WebSocket.send}
   * @internal
   */
  sendFrame(frame: Buffer | Promise<Buffer>, bytes: number): boolean {
    if (this.#state !== WebSocket.OPEN) return false
    if (this.#sender.bufferedAmount > this.maxBufferedAmount) {
      this.#fail(CLOSE_CODE.POLICY_VIOLATION, 'send buffer full', null)
      return false
    }
    const taken = this.#sender.sendFrame(frame, bytes)
    if (!taken) this.#needDrain = true
    return taken
  }

  /**
   * Sends a ping; the peer answers with a pong carrying the same bytes.
   *
   * @param data - at most 125 bytes @defaultValue none
   * @returns as for {@link WebSocket.send}
   * @throws RangeError for more than 125 bytes
   * @example
   * ```ts
   * ws.ping()
   * ws.once('pong', () => console.log('alive'))
   * ```
   */
  ping(data: string | Uint8Array = EMPTY): boolean {
    return this.#control(OPCODE.PING, data)
  }

  /**
   * Sends an unsolicited pong (a ping is answered automatically).
   *
   * @param data - at most 125 bytes @defaultValue none
   * @returns as for {@link WebSocket.send}
   * @throws RangeError for more than 125 bytes
   * @example
   * ```ts
   * ws.pong('still here')
   * ```
   */
  pong(data: string | Uint8Array = EMPTY): boolean {
    return this.#control(OPCODE.PONG, data)
  }

  /**
   * Starts the closing handshake: sends a close frame; the server closes TCP once the peer's close frame
   * arrives, or after the close timeout.
   *
   * @param code - 1000, or 3000–4999 for the application (any code that may be sent is accepted) @defaultValue none (the peer sees 1005)
   * @param reason - at most 123 bytes of UTF-8 (only with a code)
   * @throws RangeError for a code that may not be sent, or a reason that is too long
   * @example
   * ```ts
   * ws.close(1000, 'bye')
   * ```
   */
  close(code?: number, reason: string | Buffer = ''): void {
    if (code !== undefined && (!Number.isInteger(code) || !isWireCloseCode(code))) throw new RangeError(`invalid close code ${String(code)}`)
    const text = typeof reason === 'string' ? Buffer.from(reason) : reason
    if (text.length > MAX_CONTROL_PAYLOAD - 2) throw new RangeError('a close reason has at most 123 bytes')
    if (code === undefined && text.length > 0) throw new RangeError('a close reason needs a code')
    if (this.#state === WebSocket.CLOSED || this.#closeSent) return
    this.#sendClose(code, text)
    this.#state = WebSocket.CLOSING
    this.#armTimer()
  }

  /** Destroys the connection at once, without a closing handshake (the `close` event says 1006). */
  terminate(): void {
    this.#socket.destroy()
  }

  /**
   * The messages as they arrive, until the connection closes. While the loop body is busy, messages
   * queue up to a few; past that the socket stops reading (back-pressure reaches the peer).
   *
   * @returns an async iterator of `{ data, isBinary }`
   * @example
   * ```ts
   * for await (const { data, isBinary } of ws) ws.send(data, { binary: isBinary })
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<Message> {
    return new MessageIterator(this, paused => this.#setPaused(PAUSED_ITERATOR, paused))
  }

  // ── receiving ──────────────────────────────────────────────────────────

  #onData(chunk: Buffer): void {
    // What the listeners send in answer to the frames of one read leaves in as few writes as possible.
    const sender = this.#sender
    sender.beginBatch()
    try {
      this.#parser.execute(chunk)
    } finally {
      sender.endBatch()
    }
    if (this.#receiver.busy) this.#setPaused(PAUSED_INFLATING, true)
  }

  #onFrame(frame: Frame): void {
    switch (frame.opcode) {
      case OPCODE.PING:
        if (this.#state === WebSocket.OPEN) this.#sender.send(OPCODE.PONG, frame.payload, false)
        this.emit('ping', frame.payload)
        return
      case OPCODE.PONG:
        this.alive = true
        this.emit('pong', frame.payload)
        return
      case OPCODE.CLOSE: {
        const payload = frame.payload
        this.#receiver.after(() => this.#onCloseFrame(payload))
        return
      }
      default:
        this.#receiver.frame(frame)
    }
  }

  #onCloseFrame(payload: Buffer): void {
    if (this.#closeReceived || this.#state === WebSocket.CLOSED) return
    this.#closeReceived = true
    this.#code = payload.length >= 2 ? payload.readUInt16BE(0) : CLOSE_CODE.NO_STATUS
    this.#reason = payload.subarray(2)
    if (!this.#closeSent) this.#sendClose(this.#code === CLOSE_CODE.NO_STATUS ? undefined : this.#code, EMPTY)
    this.#state = WebSocket.CLOSING
    // Both close frames are out: the server closes the TCP connection (RFC 6455 §7.1.1).
    this.#sender.end()
    this.#armTimer()
  }

  #onFrameError(err: FrameError): void {
    this.#fail(err.closeCode, err.code, err)
  }

  /** Fails the connection (RFC 6455 §7.1.7): a close frame with `code`, then the server closes TCP. */
  #fail(code: number, reason: string, err: Error | null): void {
    if (this.#state === WebSocket.CLOSED || this.#closeReceived) return
    debug('failing the connection: %d %s', code, reason)
    this.#parser.stop()
    if (err !== null && this.listenerCount('error') > 0) this.emit('error', err)
    if (!this.#closeSent) this.#sendClose(code, Buffer.from(reason))
    this.#code = code
    this.#state = WebSocket.CLOSING
    this.#sender.end()
    this.#armTimer()
  }

  #sendClose(code: number | undefined, reason: Buffer): void {
    this.#closeSent = true
    this.#sender.send(OPCODE.CLOSE, closePayload(code, reason), false)
  }

  #control(opcode: number, data: string | Uint8Array): boolean {
    const bytes = typeof data === 'string' ? Buffer.from(data) : toBuffer(data)
    if (bytes.length > MAX_CONTROL_PAYLOAD) throw new RangeError('a control frame carries at most 125 bytes')
    if (this.#state !== WebSocket.OPEN) return false
    return this.#sender.send(opcode, bytes, false)
  }

  /** The peer half-closed: without a close frame that is an abnormal end; either way close our side. */
  #onEnd(): void {
    if (this.#state === WebSocket.OPEN) this.#state = WebSocket.CLOSING
    this.#socket.end()
  }

  #onSocketError(err: Error): void {
    debug('socket error: %s', err.message)
    if (this.listenerCount('error') > 0) this.emit('error', err)
  }

  #onClose(): void {
    if (this.#state === WebSocket.CLOSED) return
    this.#state = WebSocket.CLOSED
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
    this.#parser.stop()
    this.#sender.clear()
    this.#settings.codec?.close()
    this.#settings.onClosed?.(this)
    this.emit('close', this.#code, this.#reason)
  }

  #onDrain(): void {
    if (!this.#needDrain || this.#sender.bufferedAmount > 0) return
    this.#needDrain = false
    this.emit('drain')
  }

  /** A peer that never finishes the closing handshake is cut after the close timeout. */
  #armTimer(): void {
    if (this.#timer !== null || this.#state === WebSocket.CLOSED) return
    this.#timer = setTimeout(() => this.#socket.destroy(), this.#settings.closeTimeout)
    this.#timer.unref()
  }

  #setPaused(reason: number, paused: boolean): void {
    const before = this.#paused
    this.#paused = paused ? before | reason : before & ~reason
    if (before === this.#paused) return
    if (this.#paused === 0) this.#socket.resume()
    else this.#socket.pause()
  }
}

const EMPTY = Buffer.alloc(0)

/** The property of an upgraded socket that names its WebSocket. */
const OWNER = Symbol('tinyhttp.websocket')
type SocketWithOwner = Duplex & { [OWNER]?: WebSocket }

function ownerOf(socket: Duplex): WebSocket {
  return (socket as SocketWithOwner)[OWNER] as WebSocket
}

/** The error callback of a sender that does not compress (it never calls it). */
function cannotFail(): void {}

/** Bytes of any kind as a Buffer (a view, not a copy). */
function toBuffer(data: string | Uint8Array | ArrayBuffer | DataView): Buffer {
  if (typeof data === 'string') return Buffer.from(data)
  if (Buffer.isBuffer(data)) return data
  if (data instanceof ArrayBuffer) return Buffer.from(data)
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  throw new TypeError('send() takes a string or bytes')
}
