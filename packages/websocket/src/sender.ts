import type { Duplex } from 'node:stream'
import { COPY_LIMIT, encodeFrame, frameHeader, type FrameOptions } from './frame-writer.js'
import type { MessageCodec } from './message-codec.js'

const EMPTY = Buffer.alloc(0)
/** Frame options, made once rather than per frame. */
const PLAIN: FrameOptions = {}
const COMPRESSED: FrameOptions = { rsv1: true }

/** Batch states ({@link Sender.beginBatch}): not in a batch; in one, nothing written yet; one frame written; the socket corked. */
const NOT_BATCHING = 0
const BATCH_EMPTY = 1
const BATCH_WROTE = 2
const BATCH_CORKED = 3

/** A frame (or a message still being compressed) waiting behind a compression. */
interface Job {
  readonly opcode: number
  /** The payload to send; for a compression job, the message until its compressed bytes arrive. */
  payload: Buffer
  /** A broadcast's prebuilt frame: written as it is (EMPTY: the frame is `payload`, once a shared compression is done). */
  readonly frame: Buffer | null
  /** Bytes counted in `queuedBytes` for this job. */
  readonly bytes: number
  /** 0 plain, 1 compression started, 2 compressed (payload is the compressed bytes). */
  stage: 0 | 1 | 2
  readonly compress: boolean
}

/**
 * The write side of one WebSocket: frames messages and control frames onto the socket, in order. A
 * message that is compressed waits for zlib; everything sent after it waits behind it (order is the
 * protocol's), counted in {@link Sender.bufferedAmount} with what the socket itself buffers.
 *
 * @example
 * ```ts
 * const sender = new Sender(socket, null, err => socket.destroy())
 * sender.send(OPCODE.TEXT, Buffer.from('hi'), false) // true: handed to the socket, nothing buffered
 * ```
 * @internal
 */
export class Sender {
  readonly #socket: Duplex
  readonly #codec: MessageCodec | null
  readonly #onError: (err: unknown) => void
  readonly #queue: Job[] = []
  #queuedBytes = 0
  #pumping = false
  /** End the socket when the queue is empty. */
  #ending = false
  /** NOT_BATCHING, or how far the frames written in this batch got ({@link Sender.beginBatch}). */
  #batch = NOT_BATCHING

  /**
   * @param socket - the connection
   * @param codec - the permessage-deflate context, or null
   * @param onError - told when compressing failed (the connection is then beyond repair)
   */
  constructor(socket: Duplex, codec: MessageCodec | null, onError: (err: unknown) => void) {
    this.#socket = socket
    this.#codec = codec
    this.#onError = onError
  }

  /**
   * Starts a batch (the frames of one read being handled): what is sent until {@link Sender.endBatch}
   * leaves in as few writes as possible without paying for that when one frame is sent. The first
   * frame is written at once, a second one corks the socket, and the end of the batch uncorks it (a
   * burst of small messages answered one by one is two syscalls, not one per message; a single answer
   * is one plain write).
   *
   * @example
   * ```ts
   * sender.beginBatch()
   * try { parser.execute(chunk) } finally { sender.endBatch() }
   * ```
   */
  beginBatch(): void {
    this.#batch = BATCH_EMPTY
  }

  /** Ends a batch: uncorks the socket if the batch corked it. */
  endBatch(): void {
    if (this.#batch === BATCH_CORKED) this.#socket.uncork()
    this.#batch = NOT_BATCHING
  }

  /** Before every write: the second write of a batch corks the socket. */
  #beforeWrite(): void {
    const batch = this.#batch
    if (batch === NOT_BATCHING || batch === BATCH_CORKED) return
    if (batch === BATCH_EMPTY) this.#batch = BATCH_WROTE
    else {
      this.#socket.cork()
      this.#batch = BATCH_CORKED
    }
  }

  /** Bytes waiting: in the socket's buffer and behind a compression. */
  get bufferedAmount(): number {
    return this.#socket.writableLength + this.#queuedBytes
  }

  /** Whether nothing waits behind a compression. */
  get idle(): boolean {
    return this.#queue.length === 0
  }

  /**
   * Sends a frame with a whole message or a control payload.
   *
   * @param opcode - the opcode
   * @param payload - the payload
   * @param compress - compress it (a data message, permessage-deflate negotiated, above the threshold)
   * @returns whether it was handed to the socket at once and the socket did not have to buffer it
   */
  send(opcode: number, payload: Buffer, compress: boolean): boolean {
    const doCompress = compress && this.#codec !== null
    if (!doCompress && this.#queue.length === 0) return this.#write(opcode, payload, false)
    this.#enqueue({ opcode, payload, frame: null, bytes: payload.length, stage: 0, compress: doCompress })
    return false
  }

  /**
   * Writes a frame framed elsewhere (a broadcast frames once for every recipient), or one still being
   * compressed: it keeps its place in the order, and what is sent after it waits for it.
   *
   * @param frame - the whole frame, or its promise
   * @param bytes - its size (counted in {@link Sender.bufferedAmount} while it waits)
   * @returns as for {@link Sender.send}
   */
  sendFrame(frame: Buffer | Promise<Buffer>, bytes: number): boolean {
    if (Buffer.isBuffer(frame)) {
      if (this.#queue.length === 0) {
        if (!this.#writable()) return false
        this.#beforeWrite()
        return this.#socket.write(frame)
      }
      this.#enqueue({ opcode: 0, payload: frame, frame, bytes, stage: 2, compress: false })
      return false
    }
    const job: Job = { opcode: 0, payload: EMPTY, frame: EMPTY, bytes, stage: 1, compress: true }
    frame.then(
      ready => {
        job.payload = ready
        job.stage = 2
        this.#pump()
      },
      (err: unknown) => {
        this.clear()
        this.#onError(err)
      },
    )
    this.#enqueue(job)
    return false
  }

  #enqueue(job: Job): void {
    this.#queue.push(job)
    this.#queuedBytes += job.bytes
    this.#pump()
  }

  /** Writes what is ready at the head of the queue; starts the compression the head waits for. */
  #pump(): void {
    if (this.#pumping) return
    this.#pumping = true
    try {
      const queue = this.#queue
      while (queue.length > 0) {
        const job = queue[0] as Job
        if (job.compress && job.stage !== 2) {
          if (job.stage === 0) this.#startCompression(job)
          if ((job.stage as number) !== 2) return // resumed when the compressed bytes are there
        }
        queue.shift()
        this.#queuedBytes -= job.bytes
        if (job.frame !== null) {
          // A frame made elsewhere: whole as it is, or (a shared compressed frame) its payload once ready.
          if (this.#writable()) {
            this.#beforeWrite()
            this.#socket.write(job.frame === EMPTY ? job.payload : job.frame)
          }
        } else this.#write(job.opcode, job.payload, job.compress)
      }
      if (this.#ending) this.#socket.end()
    } finally {
      this.#pumping = false
    }
  }

  #startCompression(job: Job): void {
    job.stage = 1
    ;(this.#codec as MessageCodec).compress(job.payload).then(
      compressed => {
        job.payload = compressed
        job.stage = 2
        this.#pump()
      },
      (err: unknown) => {
        this.#queue.length = 0
        this.#queuedBytes = 0
        this.#onError(err)
      },
    )
  }

  #writable(): boolean {
    const socket = this.#socket
    return !socket.destroyed && !socket.writableEnded
  }

  /** One frame onto the socket: copied behind its header when small, else header and payload in one writev. */
  #write(opcode: number, payload: Buffer, rsv1: boolean): boolean {
    if (!this.#writable()) return false
    const socket = this.#socket
    this.#beforeWrite()
    if (payload.length <= COPY_LIMIT) return socket.write(encodeFrame(opcode, payload, rsv1 ? COMPRESSED : PLAIN))
    socket.cork()
    socket.write(frameHeader(opcode, payload.length, rsv1 ? COMPRESSED : PLAIN))
    const taken = socket.write(payload)
    socket.uncork()
    // Corked, a large payload always looks buffered; the uncork has handed it to the kernel when it could.
    return taken || socket.writableLength === 0
  }

  /**
   * Ends the socket (our FIN) once everything queued has been written: a close frame queued behind a
   * message still in zlib leaves before the FIN.
   */
  end(): void {
    if (this.#queue.length === 0) this.#socket.end()
    else this.#ending = true
  }

  /** Forgets what waits (the connection is gone). */
  clear(): void {
    this.#queue.length = 0
    this.#queuedBytes = 0
  }
}
