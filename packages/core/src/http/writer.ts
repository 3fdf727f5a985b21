import { dateLine } from './date-cache.js'
import { STATUS_TEXT } from './status-text.js'

const statusLines = new Map<number, string>()
const statusLineBuffers = new Map<number, Buffer>()

/**
 * {@link statusLine} as bytes, cached.
 *
 * @param status - 100–599
 * @returns the status line including CRLF, latin1-encoded
 */
export function statusLineBytes(status: number): Buffer {
  let bytes = statusLineBuffers.get(status)
  if (bytes === undefined) {
    bytes = Buffer.from(statusLine(status), 'latin1')
    statusLineBuffers.set(status, bytes)
  }
  return bytes
}

/**
 * The status line for a status code, cached (`HTTP/1.1 200 OK\r\n`). The core always answers as
 * HTTP/1.1, its highest supported version (RFC 9110 §6.2), also to HTTP/1.0 clients.
 *
 * @param status - 100–599
 * @returns the status line including CRLF
 */
export function statusLine(status: number): string {
  let line = statusLines.get(status)
  if (line === undefined) {
    line = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ''}\r\n`
    statusLines.set(status, line)
  }
  return line
}

/**
 * The minimal response the connection sends for a request it cannot or will not hand to the chain
 * (parse errors, timeouts): status line, `Date`, `Content-Length: 0`, `Connection: close`.
 *
 * @param status - e.g. 400, 408, 414, 431, 501, 505
 * @returns the whole response as latin1 text
 */
export function minimalResponse(status: number): string {
  return `${statusLine(status)}${dateLine()}Content-Length: 0\r\nConnection: close\r\n\r\n`
}

/** Encodes one chunk of a chunked body's size line. */
export function chunkHeader(length: number): string {
  return `${length.toString(16)}\r\n`
}

/** The last-chunk and end of a chunked body (no trailers). */
export const LAST_CHUNK = '0\r\n\r\n'
