import { inspect } from 'node:util'
import type { Context } from './context.js'

/**
 * The App's default `onError`: like Koa, an error that became a 5xx is written to stderr — one line
 * naming the method, the raw path and the status, then the error with its stack (and `cause`) — and
 * never to the client. Quiet when `NODE_ENV` is `test` (read at each error, so a test runner's setting
 * holds); `DEBUG=tinyhttp:core` shows it then.
 *
 * @param err - what was thrown (or rendered by `renderError`)
 * @param ctx - the request it failed
 * @example
 * ```ts
 * // stderr, for a middleware that throws new Error('boom') on GET /api/time:
 * // tinyhttp-core: unhandled error, GET /api/time answered 500 (no details sent to the client)
 * // Error: boom
 * //     at …
 * ```
 * @internal
 */
export function logUnhandled(err: unknown, ctx: Context): void {
  if (process.env.NODE_ENV === 'test') return
  // The raw path is safe to print as it is: the parser admits no control characters or spaces in it.
  const line = `tinyhttp-core: unhandled error, ${ctx.req.method} ${ctx.req.rawPath} answered ${ctx.res.status} (no details sent to the client)`
  process.stderr.write(`${line}\n${inspect(err)}\n`)
}
