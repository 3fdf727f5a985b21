import { isToken } from './http/field-validation.js'
import type { InjectOptions } from './inject.js'

/**
 * A request for {@link App.inject}, described field by field (serialized to HTTP/1.1 bytes for you). It
 * may carry the {@link InjectOptions} too (`remoteAddress`, `secure`, `timeout`).
 *
 * @example
 * ```ts
 * await app.inject({ method: 'POST', target: '/api/items?draft=1', headers: [['content-type', 'application/json']], body: '{"a":1}', remoteAddress: '::1' })
 * ```
 */
export interface InjectRequest extends InjectOptions {
  /** The method token. @defaultValue `'GET'` */
  method?: string
  /** The request-target exactly as it goes on the request line (`/a%20b?x=1`, `*`, `http://host/`). @defaultValue `'/'` */
  target?: string
  /**
   * Header fields, as an object (an array value gives one field line per element) or as `[name, value]`
   * pairs in order. `Host: localhost` is added when no `host` field is given.
   * @defaultValue `{}`
   */
  headers?: Record<string, string | number | readonly string[]> | ReadonlyArray<readonly [string, string | number]>
  /**
   * The body, sent as is (a string as UTF-8). `Content-Length` is added unless the headers already say
   * how the body is framed (`Content-Length` or `Transfer-Encoding`: then the bytes must match it).
   */
  body?: string | Uint8Array
  /** The version on the request line, `major.minor`. @defaultValue `'1.1'` */
  httpVersion?: string
}

/** Refuses what would change the message's structure: CR, LF and NUL, and characters latin1 cannot carry. */
function checkLineText(what: string, value: string): void {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c === 0x0d || c === 0x0a || c === 0x00 || c > 0xff) {
      throw new TypeError(`inject: ${what} contains ${c > 0xff ? 'a character above U+00FF' : 'CR, LF or NUL'}: ${JSON.stringify(value)}`)
    }
  }
}

/**
 * Serializes a request description to the bytes a client would send. Never produces a second message:
 * a method or field name that is not a token, or a target or value with CR, LF or NUL, is a TypeError.
 *
 * @param request - the description
 * @returns the request bytes
 * @throws TypeError for a field that would break the message apart
 * @example
 * ```ts
 * serializeRequest({ method: 'POST', target: '/echo', body: 'hi' }).toString('latin1')
 * // 'POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nhi'
 * ```
 * @internal
 */
export function serializeRequest(request: InjectRequest): Buffer {
  const method = request.method ?? 'GET'
  if (!isToken(method)) throw new TypeError(`inject: the method must be a token: ${JSON.stringify(method)}`)
  const target = request.target ?? '/'
  if (target === '') throw new TypeError('inject: the target must not be empty')
  checkLineText('the target', target)
  const version = request.httpVersion ?? '1.1'
  if (!/^\d\.\d$/.test(version)) throw new TypeError(`inject: httpVersion must look like '1.1': ${JSON.stringify(version)}`)

  const fields: Array<[string, string]> = []
  const given = request.headers ?? {}
  const pairs: ReadonlyArray<readonly [string, unknown]> = Array.isArray(given)
    ? (given as ReadonlyArray<readonly [string, unknown]>)
    : Object.entries(given).flatMap(([name, value]) => (Array.isArray(value) ? value.map(v => [name, v] as const) : [[name, value] as const]))
  for (const pair of pairs) {
    const [name, raw] = pair
    if (typeof name !== 'string' || !isToken(name)) throw new TypeError(`inject: a field name must be a token: ${JSON.stringify(name)}`)
    if (typeof raw !== 'string' && typeof raw !== 'number') throw new TypeError(`inject: the value of ${name} must be a string or a number`)
    const value = String(raw)
    checkLineText(`the value of ${name}`, value)
    fields.push([name, value])
  }
  const has = (name: string): boolean => fields.some(([n]) => n.toLowerCase() === name)
  if (!has('host')) fields.unshift(['Host', 'localhost'])
  const body = request.body === undefined ? null : typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body
  if (body !== null && !has('content-length') && !has('transfer-encoding')) fields.push(['Content-Length', String(body.length)])

  let head = `${method} ${target} HTTP/${version}\r\n`
  for (const [name, value] of fields) head += `${name}: ${value}\r\n`
  head += '\r\n'
  const headBytes = Buffer.from(head, 'latin1')
  return body === null || body.length === 0 ? headBytes : Buffer.concat([headBytes, body])
}
