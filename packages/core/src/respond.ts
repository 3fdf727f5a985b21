import { Readable } from 'node:stream'
import { disposeBody, FileBody, SizedStream } from './file-body.js'
import { dateLine } from './http/date-cache.js'
import { statusHasNoBody } from './http/status-text.js'
import { CHUNKED, CONNECTION_CLOSE, CONNECTION_KEEP_ALIVE, CONNECTION_NONE, HeadMemo, NO_LENGTH } from './http/head-memo.js'
import { statusLine, statusLineBytes } from './http/writer.js'
import type { Response } from './response.js'

/** What the connection must put on the wire for one response. */
export interface WirePlan {
  /** The whole encoded head when it came from a prepared block's memo; else the cached status line. */
  head: Buffer
  /** The rest of the head as latin1 text; '' when {@link WirePlan.head} is whole. */
  headText: string
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
 * HEAD (but the same `Content-Length` a GET gets), 1xx, 204 and 304; a cached `Date`. A response built
 * on a prepared header block gets its whole head from the block's memo when an identical head was
 * encoded earlier in the same second.
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
  let length = NO_LENGTH

  if (statusHasNoBody(status)) {
    // 1xx, 204, 304: no content and no Content-Length (RFC 9110 §8.6, §15.4.5).
    disposeBody(body)
    body = null
  } else if (typeof body === 'string') {
    bytes = Buffer.from(body, 'utf8')
    length = bytes.length
  } else if (body instanceof Uint8Array) {
    bytes = body
    length = bytes.length
  } else if (body instanceof FileBody) {
    length = body.length
    file = body
  } else if (body instanceof SizedStream) {
    length = body.length
    stream = body.stream
    streamLength = body.length
  } else if (body instanceof Readable) {
    stream = body
    if (versionMinor === 1) {
      length = CHUNKED
      chunked = true
    } else {
      close = true
    }
  } else {
    length = 0
  }

  if (isHead) {
    // Same fields as GET, no content. An unknown-length stream has no length to announce.
    if (stream !== null) {
      stream.destroy()
      stream = null
      if (chunked) length = NO_LENGTH
      chunked = false
    }
    bytes = null
    if (file !== null) disposeBody(file)
    file = null
  }

  const connection = close ? CONNECTION_CLOSE : versionMinor === 0 ? CONNECTION_KEEP_ALIVE : CONNECTION_NONE
  const date = dateLine()
  const headers = res.headers
  const prepared = headers.prepared
  let head: Buffer
  let headText = ''
  if (prepared === null) {
    head = statusLineBytes(status)
    headText = headers.serializeOwn() + framingLine(length) + date + CONNECTION_LINES[connection] + '\r\n'
  } else {
    const own = headers.ownFields
    const memo = (prepared.memo ??= new HeadMemo())
    const known = memo.get(status, own, length, connection, date)
    if (known !== undefined) head = known
    else {
      const text = statusLine(status) + prepared.text + headers.serializeOwn() + framingLine(length) + date + CONNECTION_LINES[connection] + '\r\n'
      head = Buffer.from(text, 'latin1')
      memo.set({ status, own, length, connection, date }, head)
    }
  }
  return { head, headText, bytes, stream, file, chunked, streamLength, close }
}

const CONNECTION_LINES = ['', 'Connection: close\r\n', 'Connection: keep-alive\r\n']

function framingLine(length: number): string {
  if (length >= 0) return `Content-Length: ${length}\r\n`
  return length === CHUNKED ? 'Transfer-Encoding: chunked\r\n' : ''
}
