import type { Duplex, Readable } from 'node:stream'
import type { FileBody } from './file-body.js'
import type { ResponseHeaders } from './response-headers.js'

/** No content (also what a JSON body has become by now: bytes). */
export const BODY_NONE = 0
/** Bytes in memory, sent with the head. */
export const BODY_BYTES = 1
/** A stream of unknown length: chunked on HTTP/1.1, close-delimited on HTTP/1.0. */
export const BODY_STREAM = 2
/** A stream of announced length (`Content-Length`); the connection is cut if it yields more or less. */
export const BODY_SIZED_STREAM = 3
/** A file range, read from a descriptor or a path. */
export const BODY_FILE = 4
/** What kind of content a {@link ResponsePlan} carries. */
export type BodyKind = typeof BODY_NONE | typeof BODY_BYTES | typeof BODY_STREAM | typeof BODY_SIZED_STREAM | typeof BODY_FILE

/**
 * What an upgrade handler may tell the App about the socket it took over (its third argument).
 *
 * @example
 * ```ts
 * const handler: UpgradeHandler = (socket, head, lifecycle) => {
 *   lifecycle.onAppClose(() => socket.end('bye\n')) // app.close() then waits for the socket to close
 * }
 * ```
 */
export interface UpgradeLifecycle {
  /**
   * Asks `app.close()` to call `listener` instead of ending the socket, and to wait until the socket
   * closes (destroying it when the grace period is over): the way a protocol says goodbye in its own
   * words (a WebSocket close frame, 1001) and lets its peer answer. Called at most once; a later call
   * replaces the listener.
   *
   * @param listener - starts the protocol's own shutdown
   */
  onAppClose(listener: () => void): void
}

/**
 * Takes over a connection after its `101 Switching Protocols` head has left: the raw socket (no
 * listeners of the core left on it, reading paused), the bytes the client sent after the request
 * head that the core had already read (often empty), and an {@link UpgradeLifecycle} to hook into
 * `app.close()`. Given to `Response.upgrade`.
 *
 * @example
 * ```ts
 * const echo: UpgradeHandler = (socket, head) => {
 *   if (head.length > 0) socket.write(head)
 *   socket.pipe(socket)
 * }
 * ```
 */
export type UpgradeHandler = (socket: Duplex, head: Buffer, lifecycle: UpgradeLifecycle) => void

/** Told once how a response ended: body bytes handed to the socket, and whether the connection was cut. */
export type EndListener = (bytes: number, aborted: boolean) => void

/**
 * What the host gives back to the wire for one request: everything needed to put the response on the
 * wire, and nothing of the framework. The host fills the first part ({@link ResponsePlan.status} …
 * {@link ResponsePlan.upgrade}); {@link encodeHead} decides framing and fills the rest.
 *
 * @example
 * ```ts
 * const plan = new ResponsePlan(200, headers)
 * plan.setBytes(Buffer.from('hello'))
 * encodeHead(plan, false, 1, true) // plan.head, plan.close
 * ```
 * @internal
 */
export class ResponsePlan {
  /** The status code. */
  readonly status: number
  /** The header block (own fields, maybe on a prepared block); framing fields are not in it. */
  readonly headers: ResponseHeaders
  /** Which of the body fields is used. */
  kind: BodyKind = BODY_NONE
  /** {@link BODY_BYTES}: the bytes. */
  bytes: Uint8Array | null = null
  /** {@link BODY_STREAM} and {@link BODY_SIZED_STREAM}: the stream. */
  stream: Readable | null = null
  /** {@link BODY_FILE}: the range. */
  file: FileBody | null = null
  /** The content length of bytes, a file or a sized stream; -1 for a stream of unknown length. */
  length = -1
  /** Whether the application asked to close the connection after this response. */
  closeRequested = false
  /** Told once how the response ended. */
  onEnd: EndListener | null = null
  /** Set for `101 Switching Protocols`: who takes the socket once the head has left. */
  upgrade: UpgradeHandler | null = null
  /** The protocol named in the `Upgrade` field of a 101. */
  upgradeProtocol = ''

  // Filled by encodeHead.
  /** The whole head (from a prepared block's memo), or just the status line. */
  head: Buffer | null = null
  /** The rest of the head as latin1 text; '' when {@link ResponsePlan.head} is whole. */
  headText = ''
  /** Head and small body in one remembered buffer (`HeadMemo.whole`), written instead of both; or null. */
  whole: Buffer | null = null
  /** Whether the stream is sent with chunked coding. */
  chunked = false
  /** Whether the connection closes after this response (the wire's decision). */
  close = false

  /**
   * @param status - 100–599
   * @param headers - the response's header block
   */
  constructor(status: number, headers: ResponseHeaders) {
    this.status = status
    this.headers = headers
  }
}
