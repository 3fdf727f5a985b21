import type { Duplex } from 'node:stream'
import { COPY_LIMIT, encodeFrame, frameHeader } from './frame-writer.js'
import type { MessageCodec } from './message-codec.js'

/** A frame (or a message still being compressed) waiting behind a compression. */
interface Job {
  readonly opcode: number
  /** The payload to send; for a compression job, the message until its compressed bytes arrive. */
  payload: Buffer
  /** A broadcast's prebuilt frame: written as it is. */
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
   * Writes a frame framed elsewhere (a broadcast frames once for every recipient).
   *
   * @param frame - the whole frame
   * @returns as for {@link Sender.send}
   */
  sendFrame(frame: Buffer): boolean {
    if (this.#queue.length === 0) return this.#writable() && this.#socket.write(frame)
    this.#enqueue({ opcode: 0, payload: frame, frame, bytes: frame.length, stage: 2, compress: false })
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
          if (this.#writable()) this.#socket.write(job.frame)
        } else this.#write(job.opcode, job.payload, job.compress)
      }
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
    if (payload.length <= COPY_LIMIT) return socket.write(encodeFrame(opcode, payload, { rsv1 }))
    socket.cork()
    socket.write(frameHeader(opcode, payload.length, { rsv1 }))
    const taken = socket.write(payload)
    socket.uncork()
    return taken
  }

  /** Forgets what waits (the connection is gone). */
  clear(): void {
    this.#queue.length = 0
    this.#queuedBytes = 0
  }
}
