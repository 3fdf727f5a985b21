import type { WireError } from './wire-error.js'

/** What a body source tells the connection that fills it (back-pressure and `100 Continue`). */
export interface BodySourceHooks {
  /** The application started reading (first pull). */
  onFirstRead(source: BodySource): void
  /** The buffered bytes fell below the high-water mark after having been above it. */
  onDrain(source: BodySource): void
}

/** Bytes a body may buffer before the connection stops reading the socket. */
export const BODY_HIGH_WATER_MARK = 64 * 1024

/**
 * The body of one request as the wire receives it: the connection pushes the bytes the parser yields
 * and ends or fails it; the host reads it as an async iterable of Buffers. Bytes are buffered up to a
 * high-water mark; past it the connection stops reading the socket until the reader catches up.
 * Failures are {@link WireError}s (the host maps them to its own errors).
 *
 * @example
 * ```ts
 * const source = new BodySource(5, null)
 * source.push(Buffer.from('hello'))
 * source.end()
 * for await (const chunk of source) console.log(chunk.length)
 * ```
 * @internal
 */
export class BodySource implements AsyncIterable<Buffer> {
  /** Declared length (Content-Length), or -1 when chunked or unknown. */
  readonly expectedLength: number
  #chunks: Buffer[] = []
  #buffered = 0
  #received = 0
  #ended = false
  #error: WireError | Error | null = null
  #wake: (() => void) | null = null
  #started = false
  readonly #hooks: BodySourceHooks | null

  /**
   * @param expectedLength - the Content-Length, -1 for chunked, 0 for no body
   * @param hooks - the connection's callbacks, or null
   */
  constructor(expectedLength: number, hooks: BodySourceHooks | null) {
    this.expectedLength = expectedLength
    this.#hooks = hooks
    if (expectedLength === 0) this.#ended = true
  }

  /** Whether every byte of the body has arrived (or it failed). */
  get complete(): boolean {
    return this.#ended
  }

  /** Whether the reader started reading. */
  get started(): boolean {
    return this.#started
  }

  /** Bytes received so far. */
  get received(): number {
    return this.#received
  }

  /** Bytes waiting to be read. */
  get buffered(): number {
    return this.#buffered
  }

  /** Adds bytes (the connection copies them out of the socket buffer first). */
  push(chunk: Buffer): void {
    if (this.#ended) return
    this.#chunks.push(chunk)
    this.#buffered += chunk.length
    this.#received += chunk.length
    this.#notify()
  }

  /** Marks the end of the body. */
  end(): void {
    this.#ended = true
    this.#notify()
  }

  /** Fails pending and future reads (parse error, timeout, connection lost, discarded). */
  fail(error: WireError | Error): void {
    if (this.#ended) return
    this.#error = error
    this.#ended = true
    this.#notify()
  }

  /** Drops buffered bytes nobody will read. */
  discard(): void {
    this.#chunks = []
    this.#buffered = 0
  }

  #notify(): void {
    const wake = this.#wake
    if (wake !== null) {
      this.#wake = null
      wake()
    }
  }

  /** Reads the body chunk by chunk. It can be iterated once. */
  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    if (this.#started) throw new Error('The request body can be read only once')
    this.#started = true
    this.#hooks?.onFirstRead(this)
    for (;;) {
      if (this.#chunks.length > 0) {
        const chunk = this.#chunks.shift() as Buffer
        const wasFull = this.#buffered >= BODY_HIGH_WATER_MARK
        this.#buffered -= chunk.length
        if (wasFull && this.#buffered < BODY_HIGH_WATER_MARK) this.#hooks?.onDrain(this)
        yield chunk
        continue
      }
      if (this.#error !== null) throw this.#error
      if (this.#ended) return
      await new Promise<void>(resolve => {
        this.#wake = resolve
      })
    }
  }
}
