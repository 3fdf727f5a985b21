import type { Readable } from 'node:stream'
import type { BodyOwner, Output } from './output.js'
import { chunkHeader, LAST_CHUNK } from './writer.js'

/**
 * Streams a body after its head: chunked when `chunked`, else as is; with back-pressure (the stream is
 * paused while the socket is full). A stream of announced length (`length` ≥ 0) that yields more or
 * less fails the response, and so does a stream error: the owner then cuts the connection, the only
 * honest signal once the head has left. Registers its cleanup as `out.abortBody`.
 *
 * @param out - the connection's output
 * @param owner - the connection
 * @param stream - the body
 * @param chunked - whether to use the chunked transfer coding
 * @param length - the announced length, or -1
 * @example
 * ```ts
 * sendStream(out, conn, createReadStream(path), true, -1)
 * ```
 * @internal
 */
export function sendStream(out: Output, owner: BodyOwner, stream: Readable, chunked: boolean, length: number): void {
  let done = false
  let sent = 0
  const cleanup = (): void => {
    stream.off('data', onData)
    stream.off('end', onEnd)
    stream.off('error', onError)
    out.abortBody = null
  }
  const onData = (chunk: Buffer | string): void => {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    if (data.length === 0) return
    sent += data.length
    if (length >= 0 && sent > length) return onError(new Error('stream yielded more than its announced length'))
    out.bodySent = sent
    if (chunked) out.write(chunkHeader(data.length))
    out.write(data)
    if (chunked) out.write('\r\n')
    if (!out.flush()) {
      stream.pause()
      out.waitForDrain(() => stream.resume())
    }
  }
  const onEnd = (): void => {
    if (done) return
    if (length >= 0 && sent !== length) return onError(new Error('stream ended before its announced length'))
    done = true
    cleanup()
    if (chunked) out.write(LAST_CHUNK)
    owner.bodyDone()
  }
  const onError = (err: Error): void => {
    if (done) return
    done = true
    cleanup()
    owner.bodyFailed(`body stream failed after the head was sent: ${err.message}`)
  }
  out.abortBody = () => {
    if (done) return
    done = true
    cleanup()
    stream.destroy()
  }
  stream.on('data', onData)
  stream.once('end', onEnd)
  stream.once('error', onError)
  if (stream.isPaused()) stream.resume()
}
