import { close } from 'node:fs'
import { Readable } from 'node:stream'

/** Options for {@link FileBody}. */
export interface FileBodyOptions {
  /** An open file descriptor; ownership passes to the core, which closes it on every outcome. */
  fd?: number
  /** A path the core opens (read-only) when no `fd` is given. */
  path?: string
  /** First byte to send. @defaultValue 0 */
  start?: number
  /** Number of bytes to send from `start`. */
  length: number
}

/**
 * A response body read from a file: the core streams `length` bytes from `start`, with back-pressure,
 * and closes the descriptor on every outcome (done, error, client gone).
 *
 * @example
 * ```ts
 * import { open, stat } from 'node:fs/promises'
 * app.use(async ctx => {
 *   const handle = await open('./public/big.bin', 'r')
 *   const { size } = await handle.stat()
 *   ctx.res.headers.set('Content-Type', 'application/octet-stream')
 *   ctx.res.body = new FileBody({ fd: handle.fd, length: size }) // the core closes the fd
 * })
 * ```
 */
export class FileBody {
  /** The descriptor, or -1 when the core must open {@link FileBody.path}. */
  readonly fd: number
  /** The path to open when no descriptor was given. */
  readonly path: string | undefined
  /** First byte to send. */
  readonly start: number
  /** Number of bytes to send. */
  readonly length: number

  /**
   * @param options - `fd` or `path`, and the byte range
   * @throws TypeError when neither `fd` nor `path` is given or the range is invalid
   */
  constructor(options: FileBodyOptions) {
    const start = options.start ?? 0
    if (options.fd === undefined && options.path === undefined) throw new TypeError('FileBody needs an fd or a path')
    if (!Number.isSafeInteger(start) || start < 0 || !Number.isSafeInteger(options.length) || options.length < 0) {
      throw new TypeError('FileBody needs a non-negative integer start and length')
    }
    this.fd = options.fd ?? -1
    this.path = options.path
    this.start = start
    this.length = options.length
  }
}

/**
 * Releases a body that will not be sent: closes a {@link FileBody}'s descriptor, destroys a stream.
 *
 * @param body - any response body value
 */
export function disposeBody(body: unknown): void {
  if (body instanceof FileBody) {
    if (body.fd >= 0) close(body.fd, () => {})
  } else if (body instanceof Readable) {
    body.destroy()
  } else if (body instanceof SizedStream) {
    body.stream.destroy()
  }
}

/**
 * A stream whose length is known up front: the core sends it with `Content-Length` instead of chunked
 * coding, and cuts the connection if the stream ends early or yields more than announced.
 *
 * @example
 * ```ts
 * app.use(ctx => {
 *   ctx.res.headers.set('Content-Type', 'multipart/byteranges; boundary=x')
 *   ctx.res.body = new SizedStream(buildParts(), totalLength)
 * })
 * ```
 */
export class SizedStream {
  /** The bytes. */
  readonly stream: Readable
  /** Exactly how many bytes the stream yields. */
  readonly length: number

  /**
   * @param stream - a readable that yields exactly `length` bytes
   * @param length - the byte count announced in `Content-Length`
   * @throws TypeError for a negative or non-integer length
   */
  constructor(stream: Readable, length: number) {
    if (!Number.isSafeInteger(length) || length < 0) throw new TypeError('SizedStream needs a non-negative integer length')
    this.stream = stream
    this.length = length
  }
}
