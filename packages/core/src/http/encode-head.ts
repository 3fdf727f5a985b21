import { dateLine } from './date-cache.js'
import { disposeBody } from './file-body.js'
import { CHUNKED, CONNECTION_CLOSE, CONNECTION_KEEP_ALIVE, CONNECTION_NONE, HeadMemo, NO_LENGTH } from './head-memo.js'
import { BODY_BYTES, BODY_FILE, BODY_NONE, BODY_SIZED_STREAM, BODY_STREAM, type ResponsePlan } from './response-plan.js'
import { statusHasNoBody } from './status-text.js'
import { statusLine, statusLineBytes } from './writer.js'

const CONNECTION_LINES = ['', 'Connection: close\r\n', 'Connection: keep-alive\r\n']

/**
 * Decides the framing of a planned response and encodes its head: the one place that does. `Content-Length`
 * when the size is known, chunked for an unknown length on HTTP/1.1, close-delimited on HTTP/1.0; no
 * body for HEAD (but the same `Content-Length` a GET gets), 1xx, 204 and 304; a cached `Date`; the
 * `Connection` line. A plan built on a prepared header block gets its whole head from the block's memo
 * when an identical head was encoded earlier in the same second. A `101` upgrade gets `Upgrade` and
 * `Connection: upgrade`. Fills `head`, `headText`, `chunked` and `close`, and drops (disposes) content
 * that must not be sent.
 *
 * @param plan - the host's plan
 * @param isHead - whether the request method was HEAD
 * @param versionMinor - the request's HTTP minor version (0 or 1)
 * @param keepAlive - whether the wire lets the connection persist after this response
 * @example
 * ```ts
 * encodeHead(plan, false, 1, true)
 * socket.write(plan.head); if (plan.headText !== '') socket.write(plan.headText, 'latin1')
 * ```
 * @internal
 */
export function encodeHead(plan: ResponsePlan, isHead: boolean, versionMinor: number, keepAlive: boolean): void {
  const status = plan.status
  const headers = plan.headers
  if (plan.upgrade !== null) {
    plan.head = statusLineBytes(status)
    plan.headText = `${headers.serializeOwn()}Upgrade: ${plan.upgradeProtocol}\r\nConnection: upgrade\r\n${dateLine()}\r\n`
    plan.close = false
    return
  }
  let close = !keepAlive || plan.closeRequested
  let length = NO_LENGTH
  let kind = plan.kind
  if (statusHasNoBody(status)) {
    // 1xx, 204, 304: no content and no Content-Length (RFC 9110 §8.6, §15.4.5).
    if (kind !== BODY_NONE) dropContent(plan)
    kind = BODY_NONE
  } else if (kind === BODY_BYTES || kind === BODY_FILE || kind === BODY_SIZED_STREAM) {
    length = plan.length
  } else if (kind === BODY_STREAM) {
    if (versionMinor === 1) {
      length = CHUNKED
      plan.chunked = true
    } else close = true
  } else length = 0

  if (isHead && kind !== BODY_NONE) {
    // Same fields as GET, no content. An unknown-length stream has no length to announce.
    if (plan.chunked) length = NO_LENGTH
    plan.chunked = false
    dropContent(plan)
  }
  plan.close = close

  const connection = close ? CONNECTION_CLOSE : versionMinor === 0 ? CONNECTION_KEEP_ALIVE : CONNECTION_NONE
  const date = dateLine()
  const prepared = headers.prepared
  if (prepared === null) {
    plan.head = statusLineBytes(status)
    plan.headText = headers.serializeOwn() + framingLine(length) + date + (CONNECTION_LINES[connection] as string) + '\r\n'
    return
  }
  const own = headers.ownFields
  const memo = (prepared.memo ??= new HeadMemo())
  let head = memo.get(status, own, length, connection, date)
  if (head === undefined) {
    const text = statusLine(status) + prepared.text + headers.serializeOwn() + framingLine(length) + date + (CONNECTION_LINES[connection] as string) + '\r\n'
    head = Buffer.from(text, 'latin1')
    memo.set({ status, own, length, connection, date }, head)
  }
  plan.head = head
  plan.headText = ''
  const bytes = plan.bytes
  if (kind === BODY_BYTES && bytes !== null && bytes.length > 0) plan.whole = memo.whole(head, bytes)
}

/** Releases the content of a plan that will not be sent (a HEAD answer, a 304…). */
function dropContent(plan: ResponsePlan): void {
  if (plan.stream !== null) plan.stream.destroy()
  if (plan.file !== null) disposeBody(plan.file)
  plan.kind = BODY_NONE
  plan.bytes = null
  plan.stream = null
  plan.file = null
}

function framingLine(length: number): string {
  if (length >= 0) return `Content-Length: ${length}\r\n`
  return length === CHUNKED ? 'Transfer-Encoding: chunked\r\n' : ''
}
