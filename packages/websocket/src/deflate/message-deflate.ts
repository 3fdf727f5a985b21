import zlib from 'node:zlib'
import { DeflateError } from './errors.js'
import { sharedZlibLimiter, type ZlibLimiter } from './limiter.js'
import type { DeflateParams } from './negotiate.js'
import { checkOptions, DEFAULT_THRESHOLD, type PerMessageDeflateOptions } from './options.js'
import { ZlibChannel, type ChannelOutput } from './zlib-channel.js'

/** The empty stored block that ends a sync flush; stripped after compressing, appended before inflating (RFC 7692 §7.2.1, §7.2.2). */
const TRAILER = Buffer.from([0x00, 0x00, 0xff, 0xff])

/** zlib cannot inflate with a window of 256 bytes reliably; a larger window decodes any smaller one. */
const SMALLEST_INFLATE_WINDOW = 9

const noop = (): void => {}

function joined(out: ChannelOutput): Buffer {
  return out.chunks.length === 1 ? out.chunks[0]! : Buffer.concat(out.chunks, out.size)
}

function endsWithTrailer(buf: Buffer): boolean {
  const n = buf.length
  return n >= 4 && buf[n - 4] === 0x00 && buf[n - 3] === 0x00 && buf[n - 2] === 0xff && buf[n - 1] === 0xff
}

/**
 * The permessage-deflate state of one WebSocket (RFC 7692 §7.2): a compressor for the messages the
 * server sends and an inflater for those it receives, each kept across messages unless the agreed
 * parameters say "no context takeover". Operations of one direction run one at a time in call
 * order; every zlib job waits for a slot of the shared {@link ZlibLimiter}. Any failure closes the
 * instance (its zlib state is unknown afterwards): later calls reject with `closed`.
 *
 * @example
 * ```ts
 * const agreed = negotiateDeflate(req.headers.get('sec-websocket-extensions'), options)
 * if (agreed !== null) {
 *   const deflate = new MessageDeflate(agreed.params, options)
 *   const payload = deflate.shouldCompress(data.length) ? await deflate.compress(data) : data // RSV1 iff compressed
 *   const message = await deflate.decompress(framePayload, frame.fin, maxPayload)
 *   deflate.close() // when the socket closes
 * }
 * ```
 */
export class MessageDeflate {
  /** The agreed parameters. */
  readonly params: DeflateParams
  /** Messages shorter than this (bytes) are not worth compressing. */
  readonly threshold: number
  readonly #limiter: ZlibLimiter
  readonly #deflate: ZlibChannel
  readonly #inflate: ZlibChannel
  #deflateTail: Promise<void> = Promise.resolve()
  #inflateTail: Promise<void> = Promise.resolve()
  /** Bytes inflated so far of the message being received. */
  #inflated = 0
  #closed = false

  /**
   * @param params - from {@link negotiateDeflate}
   * @param options - threshold, zlib level and memLevel, limiter
   * @throws TypeError for options out of range
   */
  constructor(params: DeflateParams, options: PerMessageDeflateOptions = {}) {
    checkOptions(options)
    this.params = params
    this.threshold = options.threshold ?? DEFAULT_THRESHOLD
    this.#limiter = options.limiter ?? sharedZlibLimiter
    const level = options.level ?? zlib.constants.Z_DEFAULT_COMPRESSION
    const memLevel = options.memLevel ?? 8
    const flush = zlib.constants.Z_SYNC_FLUSH // every write ends on a byte boundary with all its output (ZlibChannel)
    this.#deflate = new ZlibChannel(() => zlib.createDeflateRaw({ windowBits: params.serverMaxWindowBits, level, memLevel, flush }))
    const inflateBits = Math.max(SMALLEST_INFLATE_WINDOW, params.clientMaxWindowBits)
    this.#inflate = new ZlibChannel(() => zlib.createInflateRaw({ windowBits: inflateBits, flush }))
  }

  /** Whether this instance was closed (by {@link MessageDeflate.close} or a failure). */
  get closed(): boolean {
    return this.#closed
  }

  /**
   * Whether a message of `byteLength` bytes should be compressed (at or above the threshold).
   *
   * @param byteLength - the message's size
   * @returns true to compress it and set RSV1
   * @example
   * ```ts
   * const compress = deflate.shouldCompress(data.length) && options.compress !== false
   * ```
   */
  shouldCompress(byteLength: number): boolean {
    return byteLength >= this.threshold && !this.#closed
  }

  /**
   * Compresses one whole message: the payload to send with RSV1 set on its first frame, without
   * the trailing `00 00 ff ff` (an empty message becomes the single byte `00`).
   *
   * @param data - the message
   * @returns the compressed payload
   * @throws DeflateError `closed` after {@link MessageDeflate.close}
   * @example
   * ```ts
   * const payload = await deflate.compress(Buffer.from(JSON.stringify(state)))
   * ```
   */
  compress(data: Buffer): Promise<Buffer> {
    const run = this.#serial(() => this.#deflateTail, (tail) => (this.#deflateTail = tail), async () => {
      const out = joined(await this.#deflate.process(data, Infinity))
      if (this.params.serverNoContextTakeover) this.#deflate.reset()
      // zlib writes nothing for an empty input right after a flush (no progress possible): an empty
      // message is then the single byte 00, an empty stored block with the trailer (RFC 7692 §7.2.3.6).
      if (out.length === 0) return Buffer.from([0x00])
      return endsWithTrailer(out) ? out.subarray(0, out.length - 4) : out
    })
    return run
  }

  /**
   * Inflates one frame of a compressed message (the first frame had RSV1). Returns what this frame
   * inflated to; with `fin` the message is complete (the trailer is appended here). The size of the
   * whole message is bounded while inflating: past `maxSize` the promise rejects with a `size`
   * {@link DeflateError} (close 1009) and no more output is produced or kept.
   *
   * @param data - the frame's payload, unmasked
   * @param fin - whether this frame ends the message
   * @param maxSize - the most bytes the whole message may inflate to
   * @returns the inflated bytes of this frame
   * @throws DeflateError `size` (1009), `data` for invalid DEFLATE (1007), `closed`
   * @example
   * ```ts
   * const part = await deflate.decompress(frame.payload, frame.fin, 16 * 1024 * 1024)
   * ```
   */
  decompress(data: Buffer, fin: boolean, maxSize: number): Promise<Buffer> {
    return this.#serial(() => this.#inflateTail, (tail) => (this.#inflateTail = tail), async () => {
      // One write with the trailer (a copy of the frame is cheaper than a second thread-pool job).
      const input = fin ? Buffer.concat([data, TRAILER], data.length + TRAILER.length) : data
      const out = await this.#inflate.process(input, maxSize - this.#inflated)
      const written = input.length
      const unconsumed = written - out.consumed
      if (!fin) {
        if (unconsumed !== 0) throw new DeflateError('data', 'data after the final DEFLATE block')
        this.#inflated += out.size
        return joined(out)
      }
      this.#inflated = 0
      // A sender may end a message with a BFINAL block (RFC 7692 §7.2.3.3): the stream is over and
      // the trailer is left unread; the next message starts a new stream.
      if (unconsumed === TRAILER.length) this.#inflate.discard()
      else if (unconsumed !== 0) throw new DeflateError('data', 'data after the final DEFLATE block')
      else if (this.params.clientNoContextTakeover) this.#inflate.reset()
      return joined(out)
    })
  }

  /**
   * Frees both zlib streams; operations in flight or queued reject with `closed`. Idempotent.
   *
   * @example
   * ```ts
   * socket.once('close', () => deflate.close())
   * ```
   */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#deflate.discard()
    this.#inflate.discard()
  }

  /** Runs `job` after the previous job of the same direction, inside a limiter slot. */
  #serial<T>(getTail: () => Promise<void>, setTail: (tail: Promise<void>) => void, job: () => Promise<T>): Promise<T> {
    const start = (): Promise<T> => {
      if (this.#closed) return Promise.reject(closedError())
      return this.#limiter.run(async () => {
        if (this.#closed) throw closedError()
        try {
          return await job()
        } catch (err) {
          this.close()
          throw err
        }
      })
    }
    const result = getTail().then(start)
    setTail(result.then(noop, noop))
    return result
  }
}

function closedError(): DeflateError {
  return new DeflateError('closed', 'the permessage-deflate context was closed')
}
