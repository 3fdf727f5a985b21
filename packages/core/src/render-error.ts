import { isHttpError } from './errors.js'
import { STATUS_TEXT } from './http/status-text.js'
import type { Response } from './response.js'
import { errorReason } from './response-reason.js'

/**
 * Renders a thrown value into a response: the status of an {@link HttpError} (500 for anything else),
 * its headers, a short `text/plain` body (the message when exposed, else the status text) and
 * `X-Content-Type-Options: nosniff`. Never a stack trace, never request data. {@link Response.reason}
 * becomes `error:<reason>` for an {@link HttpError} with a `reason` (`error:http-error` without one,
 * `error:exception` for anything else that was thrown). The error is remembered on
 * the response: when the final status is 5xx, the App reports it once the chain has finished (its
 * `onError`, else the default stderr log), whoever rendered it.
 *
 * @param res - the response to render into
 * @param err - what was thrown
 * @returns the status written
 * @throws `err` itself, unchanged, when the response is already committed (on the wire): nothing else
 * can be sent then, so the error goes on up — every middleware that renders errors gets this rule here
 * @example
 * ```ts
 * app.use(async (ctx, next) => {
 *   try { await next() } catch (err) { renderError(ctx.res, err); ctx.res.headers.set('X-Error', 'yes') }
 * })
 * ```
 */
export function renderError(res: Response, err: unknown): number {
  // The one place of "rethrow if committed, else render": once the status line is on the wire nothing
  // else can be sent, so the error goes on up (the connection is then cut).
  if (res.committed) throw err
  res.reset()
  let status = 500
  let message = STATUS_TEXT[500] as string
  if (isHttpError(err)) {
    status = err.status
    message = err.expose ? err.message : (STATUS_TEXT[status] ?? 'Error')
    for (const [name, value] of Object.entries(err.headers)) {
      try {
        res.headers.set(name, value)
      } catch {
        // A header the core owns or an invalid one: dropped rather than failing the error response.
      }
    }
  }
  res.status = status
  res.headers.set('Content-Type', 'text/plain; charset=utf-8')
  res.headers.set('X-Content-Type-Options', 'nosniff')
  res.body = message
  res.reason = errorReason(err)
  res.recordFailure(err)
  return status
}
