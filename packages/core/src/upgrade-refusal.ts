import { STATUS_TEXT } from './http/status-text.js'
import type { Request } from './request.js'
import type { Response } from './response.js'
import type { ResponseReason } from './response-reason.js'

/**
 * Why a protocol switch asked for with {@link Response.upgrade} cannot happen for this request, or null
 * when it can: the App is shutting down; the request offered no upgrade (no `Upgrade` field, RFC 9110
 * §7.8); it is HTTP/1.0 (101 is HTTP/1.1 only); it carries a body (the bytes after its head would be
 * body, not the new protocol).
 *
 * @param req - the request
 * @param closing - whether the App is shutting down
 * @returns the reason to refuse, or null
 * @example
 * ```ts
 * upgradeRefusal(ctx.req, false) // null for `GET /chat HTTP/1.1` with `Upgrade: websocket`
 * ```
 * @internal
 */
export function upgradeRefusal(req: Request, closing: boolean): ResponseReason | null {
  if (closing) return 'deny:shutting-down'
  const headers = req.headers
  if (!headers.has('upgrade')) return 'reject:upgrade-not-offered'
  if (req.httpVersion !== '1.1') return 'reject:upgrade-http-1.0'
  const length = headers.get('content-length')
  if (headers.has('transfer-encoding') || (length !== undefined && length !== '0')) return 'reject:upgrade-with-body'
  return null
}

/**
 * Replaces an impossible protocol switch with its refusal, before the response is committed, so that
 * what the application and its access log see (`res.status`, `res.reason`) is what the client gets: `400`
 * (`503` while shutting down), a short text body, and `Connection: close` (the client may already be
 * sending the new protocol behind its request).
 *
 * @param req - the request
 * @param res - a response on which {@link Response.upgrade} was called
 * @param closing - whether the App is shutting down
 * @example
 * ```ts
 * if (res.upgradeTo !== null) refuseImpossibleUpgrade(ctx.req, res, app.closing)
 * ```
 * @internal
 */
export function refuseImpossibleUpgrade(req: Request, res: Response, closing: boolean): void {
  const reason = upgradeRefusal(req, closing)
  if (reason === null) return
  const status = closing ? 503 : 400
  res.reset()
  res.status = status
  res.headers.set('Content-Type', 'text/plain; charset=utf-8')
  res.headers.set('X-Content-Type-Options', 'nosniff')
  res.body = STATUS_TEXT[status] as string
  res.reason = reason
  res.closeConnection = true
}
