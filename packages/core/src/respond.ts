import { Readable } from 'node:stream'
import { disposeBody, FileBody, SizedStream } from './file-body.js'
import { dateLine } from './http/date-cache.js'
import { statusHasNoBody } from './http/status-text.js'
import { statusLineBytes } from './http/writer.js'
import type { Response } from './response.js'

/** What the connection must put on the wire for one response. */
export interface WirePlan {
  /** Status line (cached bytes), the prepared header block (cached bytes) or null, then the rest of the head as latin1 text. */
  statusLine: Buffer
  prepared: Buffer | null
  head: string
  /** Bytes that leave together with the head (a string or byte body), or null. */
  bytes: Uint8Array | null
  /** A stream to pipe after the head, or null. */
  stream: Readable | null
  /** A file range to stream after the head, or null. */
  file: FileBody | null
  /** Whether `stream` is sent with chunked coding. */
  chunked: boolean
  /** Bytes `stream` must yield exactly (a {@link SizedStream}), or -1. */
  streamLength: number
  /** Whether the connection closes after this response. */
  close: boolean
}

/**
 * Turns a response into a wire plan: the one place that decides framing. `Content-Length` when the
 * size is known, chunked for an unknown length on HTTP/1.1, close-delimited on HTTP/1.0; no body for
 * HEAD (but the same `Content-Length` a GET gets), 1xx, 204 and 304; a cached `Date`.
 *
 * @param res - the response built by the chain
 * @param isHead - whether the request method was HEAD
 * @param versionMinor - the request's HTTP minor version (0 or 1)
 * @param keepAlive - whether the connection may persist after this response
 * @returns the plan
 * @internal
 */
export function planResponse(res: Response, isHead: boolean, versionMinor: number, keepAlive: boolean): WirePlan {
  const status = res.status
  let body = res.body
  let bytes: Uint8Array | null = null
  let stream: Readable | null = null
  let file: FileBody | null = null
  let chunked = false
  let streamLength = -1
  let close = !keepAlive || res.closeConnection
  // The status line and a prepared header block are copied as cached bytes; only the rest is text.
  const prepared = res.headers.prepared
  let head = res.headers.serializeOwn()

  if (statusHasNoBody(status)) {
    // 1xx, 204, 304: no content and no Content-Length (RFC 9110 §8.6, §15.4.5).
    disposeBody(body)
    body = null
  } else if (typeof body === 'string') {
    bytes = Buffer.from(body, 'utf8')
    head += `Content-Length: ${bytes.length}\r\n`
  } else if (body instanceof Uint8Array) {
    bytes = body
    head += `Content-Length: ${bytes.length}\r\n`
  } else if (body instanceof FileBody) {
    head += `Content-Length: ${body.length}\r\n`
    file = body
  } else if (body instanceof SizedStream) {
    head += `Content-Length: ${body.length}\r\n`
    stream = body.stream
    streamLength = body.length
  } else if (body instanceof Readable) {
    stream = body
    if (versionMinor === 1) {
      head += 'Transfer-Encoding: chunked\r\n'
      chunked = true
    } else {
      close = true
    }
  } else {
    head += 'Content-Length: 0\r\n'
  }

  if (isHead) {
    // Same fields as GET, no content. An unknown-length stream has no length to announce.
    if (stream !== null) {
      stream.destroy()
      stream = null
      if (chunked) head = head.slice(0, -'Transfer-Encoding: chunked\r\n'.length)
      chunked = false
    }
    bytes = null
    if (file !== null) disposeBody(file)
    file = null
  }

  head += dateLine()
  if (close) head += 'Connection: close\r\n'
  else if (versionMinor === 0) head += 'Connection: keep-alive\r\n'
  head += '\r\n'
  return { statusLine: statusLineBytes(status), prepared: prepared === null ? null : prepared.bytes, head, bytes, stream, file, chunked, streamLength, close }
}
