import type { Context } from './context.js'

/** Runs the rest of the chain; resolves when it has finished. */
export type Next = () => Promise<void>

/**
 * A middleware: `(ctx, next) => void | Promise<void>`. Code after `await next()` sees the response on
 * its way out.
 *
 * @example
 * ```ts
 * const timing: Middleware = async (ctx, next) => {
 *   const start = performance.now()
 *   await next()
 *   ctx.res.headers.set('Server-Timing', `app;dur=${(performance.now() - start).toFixed(1)}`)
 * }
 * app.use(timing)
 * ```
 */
export type Middleware<S extends object = Record<string, unknown>> = (ctx: Context<S>, next: Next) => void | Promise<void>
