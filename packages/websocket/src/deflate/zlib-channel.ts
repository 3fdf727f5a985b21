import zlib from 'node:zlib'
import { DeflateError } from './errors.js'

/** A raw DEFLATE compressor or decompressor stream of node:zlib. */
export type RawZlibStream = zlib.DeflateRaw | zlib.InflateRaw

/**
 * What one {@link ZlibChannel.process} call produced: the output chunks, their total size, and how
 * many input bytes zlib consumed (fewer than written means the DEFLATE stream ended, BFINAL, before
 * the input did).
 *
 * @example
 * ```ts
 * const { chunks, size, consumed } = await channel.process([payload], 1 << 20)
 * ```
 */
export interface ChannelOutput {
  readonly chunks: Buffer[]
  readonly size: number
  readonly consumed: number
}

interface PendingOp {
  readonly chunks: Buffer[]
  size: number
  readonly limit: number
  readonly consumedBefore: number
  readonly resolve: (out: ChannelOutput) => void
  readonly reject: (err: DeflateError) => void
}

/**
 * One zlib stream kept across messages (context takeover), used one operation at a time: one write
 * of the input, processed with `Z_SYNC_FLUSH` (the stream's default flush: make it with
 * `{ flush: zlib.constants.Z_SYNC_FLUSH }`), and everything that comes out for it. One write is one
 * job on libuv's thread pool; a write followed by `flush()` would be two, and with the inflater's
 * trailer written apart, three (bench/ws `echo-16k-z`, 2 rounds on a loaded machine: 1,104 → 1,012 µs
 * of server CPU per message, inside that run's noise; the saving is in round trips to the pool, not
 * in zlib). The output is counted as it arrives; past `limit`
 * the stream is destroyed at once, so at most one zlib output chunk (16 KiB) beyond the limit is
 * ever held. The stream is created on first use, so an idle socket holds no zlib memory.
 *
 * @example
 * ```ts
 * const channel = new ZlibChannel(() => zlib.createInflateRaw({ windowBits: 15, flush: zlib.constants.Z_SYNC_FLUSH }))
 * const out = await channel.process(Buffer.concat([payload, TRAILER]), maxPayload)
 * ```
 * @internal
 */
export class ZlibChannel {
  readonly #create: () => RawZlibStream
  #stream: RawZlibStream | null = null
  #op: PendingOp | null = null

  /** @param create - makes a fresh stream (on first use and after {@link ZlibChannel.discard}) */
  constructor(create: () => RawZlibStream) {
    this.#create = create
  }

  #open(): RawZlibStream {
    const stream = this.#create()
    stream.on('data', (chunk: Buffer) => this.#onData(stream, chunk))
    stream.on('error', (err: Error) => this.#fail(stream, new DeflateError('data', `invalid DEFLATE data: ${err.message}`, err)))
    this.#stream = stream
    return stream
  }

  #onData(stream: RawZlibStream, chunk: Buffer): void {
    const op = this.#op
    if (op === null || stream !== this.#stream) return
    op.size += chunk.length
    if (op.size > op.limit) {
      this.#fail(stream, new DeflateError('size', `message inflates past ${op.limit} bytes`))
      return
    }
    op.chunks.push(chunk)
  }

  /** Ends the current operation with `err` and throws the stream away (its state is now unknown). */
  #fail(stream: RawZlibStream, err: DeflateError): void {
    if (stream !== this.#stream) return
    const op = this.#op
    this.#op = null
    this.discard()
    op?.reject(err)
  }

  /**
   * Writes `input` (flushed, by the stream's default) and resolves with everything zlib produced for it.
   *
   * @param input - the bytes
   * @param limit - the most output bytes accepted; more → rejects with a `size` {@link DeflateError}
   * @returns the output
   * @throws DeflateError `data` when zlib rejects the input, `size` past the limit
   * @example
   * ```ts
   * const { chunks } = await channel.process(Buffer.from('hello'), Infinity)
   * ```
   */
  process(input: Buffer, limit: number): Promise<ChannelOutput> {
    if (this.#op !== null) return Promise.reject(new Error('ZlibChannel: one operation at a time'))
    const stream = this.#stream ?? this.#open()
    return new Promise<ChannelOutput>((resolve, reject) => {
      const op: PendingOp = { chunks: [], size: 0, limit, consumedBefore: stream.bytesWritten, resolve, reject }
      this.#op = op
      // The write's callback runs once zlib has processed the whole chunk and every output chunk was pushed.
      stream.write(input, () => {
        if (this.#op !== op) return // failed or discarded meanwhile
        this.#op = null
        resolve({ chunks: op.chunks, size: op.size, consumed: stream.bytesWritten - op.consumedBefore })
      })
    })
  }

  /**
   * Forgets the context (no context takeover) while keeping zlib's memory for the next message.
   *
   * @example
   * ```ts
   * if (params.serverNoContextTakeover) channel.reset()
   * ```
   */
  reset(): void {
    this.#stream?.reset()
  }

  /**
   * Destroys the stream (a fresh one is made on next use) and rejects an operation in flight with a
   * `closed` {@link DeflateError}.
   *
   * @example
   * ```ts
   * channel.discard() // after a DEFLATE stream ended with BFINAL
   * ```
   */
  discard(): void {
    const stream = this.#stream
    this.#stream = null
    const op = this.#op
    this.#op = null
    if (stream !== null) {
      stream.removeAllListeners('data')
      stream.on('error', () => {}) // a late error of a destroyed stream is of no interest
      stream.destroy()
    }
    op?.reject(new DeflateError('closed', 'the permessage-deflate context was closed'))
  }
}
