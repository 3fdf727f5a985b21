import { HttpError } from './errors.js'
import { BodySource, type BodySourceHooks } from './http/body-source.js'
import { WireError } from './http/wire-error.js'

/**
 * The body of a request as it arrives: an async iterable of Buffers. Bytes are buffered up to a
 * high-water mark; past it the connection stops reading the socket until the application catches up.
 * A failure on the wire reaches the reader as an {@link HttpError} (400 for a broken or incomplete body,
 * 408 when it came too slowly, with the wire's code as `reason`); a body lost with its connection throws
 * a plain `Error`.
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
  readonly #source: BodySource

  /**
   * @param source - the wire's body source, or a declared length for a body that never receives bytes
   *   (`0`: an empty body, as test fixtures build)
   * @param hooks - with a length: the callbacks of the source built for it
   * @internal
   */
  constructor(source: BodySource | number, hooks: BodySourceHooks | null = null) {
    this.#source = typeof source === 'number' ? new BodySource(source, hooks) : source
  }

  /** Declared length (Content-Length), or -1 when chunked or unknown. */
  get expectedLength(): number {
    return this.#source.expectedLength
  }

  /** Whether every byte of the body has arrived. */
  get complete(): boolean {
    return this.#source.complete
  }

  /** Bytes received so far. */
  get received(): number {
    return this.#source.received
  }

  /** Bytes waiting to be read. */
  get buffered(): number {
    return this.#source.buffered
  }

  /** Reads the body chunk by chunk. It can be iterated once. */
  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    try {
      yield* this.#source
    } catch (err) {
      throw toHttpError(err)
    }
  }
}

/** A wire failure with an HTTP status becomes the {@link HttpError} the application sees. */
function toHttpError(err: unknown): unknown {
  if (!(err instanceof WireError) || err.status < 400) return err
  return new HttpError(err.status, undefined, { reason: err.code })
}
