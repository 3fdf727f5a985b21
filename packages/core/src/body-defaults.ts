import { Readable } from 'node:stream'
import { FileBody, SizedStream } from './http/file-body.js'
import { statusHasNoBody } from './http/status-text.js'
import type { Response } from './response.js'

const TEXT = 'text/plain; charset=utf-8'
const BYTES = 'application/octet-stream'
const JSON_TYPE = 'application/json; charset=utf-8'

/**
 * Gives a response body the defaults a Koa or Express user expects, once the chain has finished:
 * a {@link JsonBody} is serialized, and a body without a `Content-Type` gets one (`text/plain;
 * charset=utf-8` for a string, `application/octet-stream` for bytes, streams and files,
 * `application/json; charset=utf-8` for JSON). A type that was set is never changed; 1xx, 204, 304 and
 * a response without a body are left alone. HEAD gets exactly what GET gets (the method is not looked at).
 *
 * A response that set its type (a prepared header block, as static files have) costs a `typeof`, an
 * `instanceof` and a flag read.
 *
 * @param res - the response the chain built, not committed
 * @throws TypeError for an object body that is not JSON (see {@link JsonBody}); the caller renders a 500
 * @internal
 */
export function applyBodyDefaults(res: Response): void {
  const body = res.body
  if (body === null || statusHasNoBody(res.status)) return
  let type: string
  if (typeof body === 'string') type = TEXT
  else if (body instanceof Uint8Array || body instanceof FileBody || body instanceof Readable || body instanceof SizedStream) type = BYTES
  else {
    res.body = Buffer.from(toJson(body), 'utf8')
    type = JSON_TYPE
  }
  if (!res.headers.hasContentType()) res.headers.set('Content-Type', type)
}

/** `JSON.stringify` for a plain object, an array or an object with `toJSON`; a TypeError for anything else. */
function toJson(body: object): string {
  const proto: unknown = Object.getPrototypeOf(body)
  const plain = proto === Object.prototype || proto === null || Array.isArray(body)
  if (!plain && typeof (body as { toJSON?: unknown }).toJSON !== 'function') {
    if (typeof (body as { then?: unknown }).then === 'function') {
      throw new TypeError('ctx.res.body is a Promise: await it before setting the body (missing await?)')
    }
    const name = (body as { constructor?: { name?: unknown } }).constructor?.name
    throw new TypeError(
      `ctx.res.body is a ${typeof name === 'string' && name !== '' ? name : 'non-plain object'}: only a plain object or array ` +
        '(or an object with toJSON) is sent as JSON; set a string, bytes or a stream for anything else',
    )
  }
  const text: unknown = JSON.stringify(body)
  if (typeof text !== 'string') throw new TypeError('ctx.res.body serializes to nothing (its toJSON returned undefined)')
  return text
}
