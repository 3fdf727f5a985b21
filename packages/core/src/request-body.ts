/** Callbacks the connection gives a body so it can apply back-pressure and send `100 Continue`. */
export interface RequestBodyHooks {
  /** The application started reading (first pull). */
  onFirstRead(): void
  /** The buffered bytes fell to zero after having been above the high-water mark. */
  onDrain(): void
}

/** Bytes a body may buffer before the connection stops reading the socket. */
export const BODY_HIGH_WATER_MARK = 64 * 1024

/**
 * The body of a request as it arrives: an async iterable of Buffers. Bytes are buffered up to a
 * high-water mark; past it the connection stops reading the socket until the application catches up.
 *
 * @example
 * ```ts
 * app.use(async ctx => {
 *   let size = 0
 *   for await (const chunk of ctx.req) size += chunk.length
 *   ctx.res.body = `got ${size} bytes`
 * })
 * ```
 */
export class RequestBody implements AsyncIterable<Buffer> {
  /** Declared length (Content-Length), or -1 when chunked or unknown. */
  readonly expectedLength: number
  #chunks: Buffer[] = []
  #buffered = 0
  #received = 0
  #ended = false
  #error: Error | null = null
  #wake: (() => void) | null = null
  #started = false
  #hooks: RequestBodyHooks | null

  /**
   * @param expectedLength - the Content-Length, -1 for chunked, 0 for no body
   * @param hooks - connection callbacks, or null
   */
  constructor(expectedLength: number, hooks: RequestBodyHooks | null) {
    this.expectedLength = expectedLength
    this.#hooks = hooks
    if (expectedLength === 0) this.#ended = true
  }

  /** Whether every byte of the body has arrived. */
  get complete(): boolean {
    return this.#ended
  }

  /** Whether the application started reading. */
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

  /**
   * Adds bytes (the connection copies them out of the socket buffer first).
   * @internal
   */
  push(chunk: Buffer): void {
    if (this.#ended) return
    this.#chunks.push(chunk)
    this.#buffered += chunk.length
    this.#received += chunk.length
    this.#notify()
  }

  /**
   * Marks the end of the body.
   * @internal
   */
  end(): void {
    this.#ended = true
    this.#notify()
  }

  /**
   * Fails pending and future reads (connection lost, timeout).
   * @internal
   */
  fail(error: Error): void {
    if (this.#ended) return
    this.#error = error
    this.#ended = true
    this.#notify()
  }

  /**
   * Drops buffered bytes nobody will read.
   * @internal
   */
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
    this.#hooks?.onFirstRead()
    for (;;) {
      if (this.#chunks.length > 0) {
        const chunk = this.#chunks.shift() as Buffer
        const wasFull = this.#buffered >= BODY_HIGH_WATER_MARK
        this.#buffered -= chunk.length
        if (wasFull && this.#buffered < BODY_HIGH_WATER_MARK) this.#hooks?.onDrain()
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
