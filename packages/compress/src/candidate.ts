import { Readable } from 'node:stream'
import { FileBody, SizedStream, hasNoTransform, type Response } from 'tinyhttp-core'

const TEXT_TYPE = 'text/plain; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'

/** A body `compress()` could code: its content and its size when known. */
export interface Candidate {
  /** Text or bytes in memory (coded in one go), or the stream to code as it flows. */
  readonly content: string | Uint8Array | Readable
  /** Size in bytes when known (text, bytes, JSON, a sized stream), else -1. */
  readonly size: number
}

/**
 * Whether a status may carry a coded body: 2xx with content, but not 206 (a range of the identity
 * bytes; coding it would be a different representation). Redirects and errors are left alone: their
 * bodies are small, and error pages that echo request input next to a secret are the BREACH oracle.
 *
 * @param status - the response status
 * @example
 * ```ts
 * codableStatus(200) // true
 * codableStatus(206) // false
 * ```
 */
export function codableStatus(status: number): boolean {
  return status >= 200 && status < 300 && status !== 204 && status !== 205 && status !== 206
}

/** Whether a `Vary` value already lists `Accept-Encoding` (any case). */
function variesOnEncoding(vary: string): boolean {
  for (const name of vary.split(',')) if (name.trim().toLowerCase() === 'accept-encoding') return true
  return false
}

/**
 * Whether another layer has already decided this response's coding, or forbids one. Any of:
 * - `ctx.res.reason` is `static:…`: tinyhttp-static answered (it codes its files itself, once, with
 *   its `compress` option, and sends `Vary: Accept-Encoding` on every response for a compressible file);
 * - a `Content-Encoding` is set (also `identity`: someone chose);
 * - `Vary` already lists `Accept-Encoding`: a layer below negotiated on it;
 * - a `Content-Range` is set (a part of the identity bytes);
 * - `Cache-Control` has `no-transform` (RFC 9110 §7.7).
 *
 * @param res - the response on its way out
 * @example
 * ```ts
 * decidedElsewhere(ctx.res) // true for every answer of tinyhttp-static
 * ```
 */
export function decidedElsewhere(res: Response): boolean {
  if (res.reason !== undefined && res.reason.startsWith('static:')) return true
  const headers = res.headers
  if (headers.has('content-encoding') || headers.has('content-range')) return true
  const vary = headers.get('vary')
  if (vary !== undefined && variesOnEncoding(vary)) return true
  return hasNoTransform(headers.get('cache-control'))
}

/** `JSON.stringify` of a body the core would send as JSON, or undefined for one it would refuse. */
function jsonText(body: object): string | undefined {
  const proto: unknown = Object.getPrototypeOf(body)
  const plain = proto === Object.prototype || proto === null || Array.isArray(body)
  if (!plain && typeof (body as { toJSON?: unknown }).toJSON !== 'function') return undefined
  try {
    const text: unknown = JSON.stringify(body)
    return typeof text === 'string' ? text : undefined
  } catch {
    return undefined
  }
}

/**
 * Reads the body of a response as something to code, giving text the `Content-Type` the core would
 * give it (`text/plain; charset=utf-8`), and serializing a JSON body now (as the core would, with
 * `application/json; charset=utf-8` unless a type was set). Returns null for no body, a file range (a
 * `FileBody`: left to whoever made it, see the README), and an object the core refuses to send (the core
 * answers 500 for it, as without `compress()`).
 *
 * @param res - the response on its way out, not committed
 * @returns the candidate, or null
 * @example
 * ```ts
 * ctx.res.body = { ok: true }
 * takeCandidate(ctx.res) // { content: '{"ok":true}', size: 11 }, Content-Type application/json
 * ```
 */
export function takeCandidate(res: Response): Candidate | null {
  const body = res.body
  if (body === null || body instanceof FileBody) return null
  if (typeof body === 'string') {
    if (!res.headers.has('content-type')) res.headers.set('Content-Type', TEXT_TYPE)
    return { content: body, size: Buffer.byteLength(body, 'utf8') }
  }
  if (body instanceof Uint8Array) return { content: body, size: body.length }
  if (body instanceof SizedStream) return { content: body.stream, size: body.length }
  if (body instanceof Readable) return { content: body, size: -1 }
  const text = jsonText(body)
  if (text === undefined) return null
  res.body = text
  if (!res.headers.has('content-type')) res.headers.set('Content-Type', JSON_TYPE)
  return { content: text, size: Buffer.byteLength(text, 'utf8') }
}
