import type { Context } from './context.js'
import type { Middleware, Next } from './types.js'

/** What `next()` returns when the rest of the chain finished before `next()` returned. */
const RESOLVED = Promise.resolve()

/**
 * Whether a promise returned by `next()` (or by a composed chain) stands for a rest of the chain that
 * had already finished when `next()` returned: every middleware below ran synchronously. Code after
 * `next()` may then run at once instead of in a later microtask, which is how the plugins keep a
 * request that is answered from memory free of promise round-trips.
 *
 * @param promise - what `next()` returned
 * @returns true when the response is already complete below
 * @example
 * ```ts
 * const poweredBy: Middleware = (ctx, next) => {
 *   const rest = next()
 *   if (completedSynchronously(rest)) return void ctx.res.headers.set('X-Powered-By', 'tinyhttp')
 *   return rest.then(() => void ctx.res.headers.set('X-Powered-By', 'tinyhttp'))
 * }
 * ```
 */
export function completedSynchronously(promise: Promise<void>): boolean {
  return promise === RESOLVED
}

function nameOf(fn: Middleware<never>, index: number): string {
  return `#${index} (${fn.name || 'anonymous'})`
}

/** Options for {@link compose}. */
export interface ComposeOptions {
  /**
   * Warn once (through `onWarning`) when a middleware resolved before the rest of the chain did,
   * which almost always means a missing `await next()`.
   * @defaultValue `process.env.NODE_ENV !== 'production'`
   */
  checkMissingAwait?: boolean
  /** Where the warning goes. @defaultValue `process.emitWarning` */
  onWarning?: (message: string) => void
}

/**
 * Runs the rest of the chain, then `done(ctx)`; or `failed(ctx, err)` when it threw or rejected. When
 * everything below ran synchronously ({@link completedSynchronously}) `done` runs at once and nothing
 * is returned, so a wrapper middleware costs no promise; otherwise the returned promise settles after
 * `done`/`failed`. Pass functions that do not close over the request (the context is their argument)
 * and the call allocates nothing.
 *
 * @param ctx - the request's context, handed to `done` and `failed`
 * @param next - the middleware's `next`
 * @param done - the work on the way out
 * @param failed - what to do with an error thrown below (rethrow to pass it on)
 * @returns undefined when finished synchronously, else a promise
 * @example
 * ```ts
 * const stamp = (ctx: Context): void => void ctx.res.headers.set('X-Served-By', 'tinyhttp')
 * const rethrow = (_ctx: Context, err: unknown): never => { throw err }
 * app.use((ctx, next) => afterNext(ctx, next, stamp, rethrow))
 * ```
 */
export function afterNext<C>(ctx: C, next: Next, done: (ctx: C) => void, failed: (ctx: C, err: unknown) => void): void | Promise<void> {
  let rest: Promise<void>
  try {
    rest = next()
  } catch (err) {
    return failed(ctx, err)
  }
  if (rest === RESOLVED) return done(ctx)
  return rest.then(
    () => done(ctx),
    (err: unknown) => failed(ctx, err),
  )
}

/**
 * Composes middleware into one function, onion-style (the koa-compose algorithm): `next()` twice
 * rejects with a message naming the middleware, synchronous throws become rejections, and errors travel
 * up through every `await next()`. Any returned thenable counts as a promise. When every middleware
 * ran synchronously the result satisfies {@link completedSynchronously}.
 *
 * @param middleware - the chain, in order
 * @param options - development checks
 * @returns a function running the chain for one context
 * @example
 * ```ts
 * const run = compose([async (ctx, next) => { await next() }, ctx => { ctx.res.body = 'hi' }])
 * await run(ctx)
 * ```
 */
export function compose<S extends object>(
  middleware: ReadonlyArray<Middleware<S>>,
  options: ComposeOptions = {},
): (ctx: Context<S>, next?: Next) => Promise<void> {
  const chain = middleware.slice()
  const check = options.checkMissingAwait ?? process.env.NODE_ENV !== 'production'
  const guard: Guard = { check, warned: false, warn: options.onWarning ?? ((message: string) => process.emitWarning(message, 'TinyhttpWarning')) }

  return function composed(ctx: Context<S>, last?: Next): Promise<void> {
    let index = -1
    function dispatch(i: number): Promise<void> {
      if (i <= index) {
        // dispatch(i) is what middleware i - 1 calls as next().
        const caller = chain[i - 1]
        return Promise.reject(new Error(`next() called multiple times in middleware ${caller ? nameOf(caller as Middleware<never>, i - 1) : `#${i - 1}`}`))
      }
      index = i
      const fn = i === chain.length ? last : chain[i]
      if (fn === undefined) return RESOLVED
      if (guard.check && !guard.warned) return runChecked(fn as Middleware<S>, ctx, i, i === chain.length, dispatch, guard)
      // The hot path: `next` is the only closure made per middleware, and it holds nothing but `i`.
      let result: unknown
      try {
        result = (fn as Middleware<S>)(ctx, () => dispatch(i + 1))
      } catch (err) {
        return Promise.reject(err)
      }
      // A middleware that passed on what next() returned for a chain that already finished (`return next()`).
      if (result === RESOLVED) return RESOLVED
      if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<void>).then === 'function') {
        return Promise.resolve(result as PromiseLike<void>)
      }
      return RESOLVED
    }
    return dispatch(0)
  }
}

/** The missing-`await` check of one composed chain: on until it has warned once. */
interface Guard {
  readonly check: boolean
  warned: boolean
  readonly warn: (message: string) => void
}

/**
 * Runs middleware `i` with the missing-`await` check: notes when the promise `next()` returned settles,
 * and warns (once per chain) when the middleware finished before it.
 */
function runChecked<S extends object>(
  fn: Middleware<S>,
  ctx: Context<S>,
  i: number,
  isLast: boolean,
  dispatch: (i: number) => Promise<void>,
  guard: Guard,
): Promise<void> {
  let downstream: Promise<void> | undefined
  let downstreamDone = false
  const next: Next = guard.warned
    ? () => dispatch(i + 1)
    : () => {
        const p = dispatch(i + 1)
        downstream = p
        p.then(
          () => (downstreamDone = true),
          () => (downstreamDone = true),
        )
        return p
      }
  let result: unknown
  try {
    result = fn(ctx, next)
  } catch (err) {
    return Promise.reject(err)
  }
  if (result === RESOLVED) return RESOLVED
  if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<void>).then === 'function') {
    const promise = Promise.resolve(result as PromiseLike<void>)
    if (guard.warned || isLast) return promise
    return promise.then(() => {
      // Give the downstream promise's own settlement callbacks one turn to run first.
      if (downstream !== undefined && !downstreamDone && !guard.warned) {
        return RESOLVED.then(() => {
          if (!downstreamDone && !guard.warned) {
            guard.warned = true
            guard.warn(`Middleware ${nameOf(fn as Middleware<never>, i)} resolved before the rest of the chain finished: missing "await next()" or "return next()"?`)
          }
        })
      }
      return undefined
    })
  }
  if (!guard.warned && downstream !== undefined && !isLast) {
    // A synchronous middleware called next() without returning its promise.
    RESOLVED.then(() => {
      if (!downstreamDone && !guard.warned) {
        guard.warned = true
        guard.warn(`Middleware ${nameOf(fn as Middleware<never>, i)} called next() without returning or awaiting it`)
      }
    })
  }
  return downstream ?? RESOLVED
}
