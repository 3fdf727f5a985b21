import { createHash } from 'node:crypto'
import { isToken, type Request } from 'tinyhttp-core'
import { HANDSHAKE_GUID } from './protocol.js'

/**
 * Why an opening handshake was refused, with its status: `400` for a request that is not a WebSocket
 * opening handshake (RFC 6455 §4.2.1), `426` for another protocol version (§4.4, with
 * `Sec-WebSocket-Version: 13`), `403` for an origin the policy refuses (§4.2.2, 10.2).
 *
 * @example
 * ```ts
 * const refusal: HandshakeRefusal = { status: 426, code: 'ws-version' }
 * ```
 */
export interface HandshakeRefusal {
  readonly status: 400 | 403 | 426
  readonly code:
    | 'ws-method'
    | 'ws-http-version'
    | 'ws-body'
    | 'ws-upgrade'
    | 'ws-connection'
    | 'ws-key'
    | 'ws-version'
    | 'ws-origin'
    | 'ws-protocol'
}

/**
 * Checks a request against RFC 6455 §4.2.1: `GET`, HTTP/1.1, no body, `Upgrade` listing `websocket`,
 * `Connection` listing `upgrade` (both case-insensitive), one `Sec-WebSocket-Key` that is the base64 of 16
 * bytes, `Sec-WebSocket-Version: 13`. The origin and subprotocols are checked by the caller.
 *
 * @param req - the request
 * @returns the refusal, or null for a valid opening handshake
 * @example
 * ```ts
 * const refusal = handshakeRefusal(ctx.req)
 * if (refusal !== null) ctx.res.status = refusal.status
 * ```
 */
export function handshakeRefusal(req: Request): HandshakeRefusal | null {
  const headers = req.headers
  if (req.method !== 'GET') return { status: 400, code: 'ws-method' }
  if (req.httpVersion !== '1.1') return { status: 400, code: 'ws-http-version' }
  const length = headers.get('content-length')
  if (headers.has('transfer-encoding') || (length !== undefined && length !== '0')) return { status: 400, code: 'ws-body' }
  if (!listHas(headers.get('upgrade'), 'websocket')) return { status: 400, code: 'ws-upgrade' }
  if (!listHas(headers.get('connection'), 'upgrade')) return { status: 400, code: 'ws-connection' }
  const keys = headers.getAll('sec-websocket-key')
  if (keys.length !== 1 || !isHandshakeKey(keys[0] as string)) return { status: 400, code: 'ws-key' }
  if (headers.get('sec-websocket-version') !== '13') return { status: 426, code: 'ws-version' }
  return null
}

/** Whether a comma-separated list holds `token` (case-insensitive). */
function listHas(value: string | undefined, token: string): boolean {
  if (value === undefined) return false
  for (const item of value.split(',')) if (item.trim().toLowerCase() === token) return true
  return false
}

const KEY = /^[A-Za-z0-9+/]{22}==$/

/**
 * Whether a `Sec-WebSocket-Key` is the base64 of exactly 16 bytes: 22 base64 characters and `==`.
 *
 * @param key - the field value
 * @returns true when it decodes to 16 bytes
 * @example
 * ```ts
 * isHandshakeKey('dGhlIHNhbXBsZSBub25jZQ==') // true (RFC 6455 §1.3)
 * isHandshakeKey('dGhlIHNhbXBsZSBub25jZQ')   // false
 * ```
 */
export function isHandshakeKey(key: string): boolean {
  return KEY.test(key)
}

/**
 * The `Sec-WebSocket-Accept` for a key: base64(SHA-1(key + GUID)) (RFC 6455 §4.2.2).
 *
 * @param key - the client's `Sec-WebSocket-Key`
 * @returns the value of `Sec-WebSocket-Accept`
 * @example
 * ```ts
 * acceptKey('dGhlIHNhbXBsZSBub25jZQ==') // 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='
 * ```
 */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64')
}

/**
 * The subprotocols a client offered (`Sec-WebSocket-Protocol`, all field lines), in its order; null when
 * the list is malformed (an empty item, a non-token, a duplicate).
 *
 * @param req - the request
 * @returns the offered names (empty when none), or null
 * @example
 * ```ts
 * offeredProtocols(req) // ['chat.v2', 'chat.v1'] for `Sec-WebSocket-Protocol: chat.v2, chat.v1`
 * ```
 */
export function offeredProtocols(req: Request): string[] | null {
  const value = req.headers.get('sec-websocket-protocol')
  if (value === undefined) return []
  const names: string[] = []
  for (const item of value.split(',')) {
    const name = item.trim()
    if (!isToken(name) || names.includes(name)) return null
    names.push(name)
  }
  return names
}
