import { createApp, type Context, type Middleware } from 'tinyhttp-core'

/** What a middleware decided for one request. */
export interface Outcome {
  status: number
  statusSet: boolean
  reason: string | undefined
  body: unknown
  hit: unknown
  nextCalled: boolean
}

/**
 * Sends `method target` (the target as it appears on the request line) through a real app — parser,
 * connection, chain, `respond()`, via `app.inject()` — whose chain is: a recorder, `mw`, then a last
 * middleware that runs `onNext` (default: nothing). Reports what `mw` decided, as the recorder saw the
 * response on its way out (before the core's defaults for an unanswered request). A throw from `mw`
 * rejects, as calling it directly would.
 */
export async function decide(mw: Middleware, target: string, onNext?: (ctx: Context) => Promise<void> | void, method = 'GET'): Promise<Outcome> {
  let outcome: Outcome | undefined
  let failure: { error: unknown } | undefined
  let nextCalled = false
  const app = createApp()
  app.use(
    async function record(ctx, next) {
      try {
        await next()
      } catch (error) {
        failure = { error }
      }
      const res = ctx.res
      outcome = { status: res.status, statusSet: res.statusSet, reason: res.reason, body: res.body, hit: ctx.state.allowlist, nextCalled }
    },
    mw,
    async function below(ctx) {
      nextCalled = true
      await onNext?.(ctx)
    },
  )
  const res = await app.inject(`${method} ${target} HTTP/1.1\r\nHost: x\r\n\r\n`)
  if (failure !== undefined) throw failure.error
  if (outcome === undefined) throw new Error(`${method} ${target} never reached the chain: the core answered ${res.status}`)
  return outcome
}
