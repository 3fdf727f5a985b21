/**
 * A multipart/byteranges body streamed from a file descriptor, for files not kept in memory.
 *
 * @module
 */
import { Readable } from 'node:stream'
import fs from 'node:fs'
import type { MultipartPlan } from './multipart.js'
import type { ByteRange } from './range.js'

/** Largest read per chunk. */
const CHUNK = 64 * 1024

/**
 * Streams the parts of a {@link MultipartPlan} from an open descriptor, with back-pressure (one read in
 * flight, only when the consumer asks). Owns the descriptor: it is closed when the stream ends, fails or
 * is destroyed (the core destroys a body stream when the client goes away).
 *
 * @example
 * ```ts
 * ctx.res.body = new MultipartFileStream(fd, planMultipart(ranges, size, 'video/mp4'))
 * ```
 */
export class MultipartFileStream extends Readable {
  #fd: number
  readonly #plan: MultipartPlan
  #part = 0
  #position = -1
  #reading = false

  /**
   * @param fd - an open descriptor (ownership passes to the stream)
   * @param plan - the parts
   */
  constructor(fd: number, plan: MultipartPlan) {
    super({ highWaterMark: CHUNK })
    this.#fd = fd
    this.#plan = plan
  }

  /** The descriptor, or -1 once closed. */
  get fd(): number {
    return this.#fd
  }

  override _read(): void {
    if (this.#reading || this.#fd < 0) return
    const plan = this.#plan
    if (this.#part >= plan.ranges.length) {
      this.push(Buffer.from(plan.tail, 'latin1'))
      this.push(null)
      return
    }
    const range = plan.ranges[this.#part] as ByteRange
    if (this.#position < 0) {
      this.#position = range.start
      if (!this.push(Buffer.from(plan.heads[this.#part] as string, 'latin1'))) return
    }
    const remaining = range.end + 1 - this.#position
    const size = Math.min(remaining, CHUNK)
    const buf = Buffer.allocUnsafe(size)
    this.#reading = true
    fs.read(this.#fd, buf, 0, size, this.#position, (err, n) => {
      this.#reading = false
      if (this.destroyed) return
      if (err) return void this.destroy(err)
      if (n === 0) return void this.destroy(new Error('file shorter than announced'))
      this.#position += n
      if (this.#position > range.end) {
        this.#part++
        this.#position = -1
      }
      if (this.push(n === size ? buf : buf.subarray(0, n))) this._read()
    })
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    const fd = this.#fd
    this.#fd = -1
    if (fd < 0) return callback(err)
    fs.close(fd, () => callback(err))
  }
}
