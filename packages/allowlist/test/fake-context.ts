import { canonicalizePath, Context, Response, type Middleware, type Request } from 'tinyhttp-core'

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
 * Runs a middleware on a minimal context for `rawPath` (as it would appear in a request line) and
 * reports the decision. `next` runs `onNext` (default: nothing) when the middleware calls it.
 */
export async function decide(mw: Middleware, rawPath: string, onNext?: (ctx: Context) => Promise<void> | void): Promise<Outcome> {
  const req = { method: 'GET', rawPath, canonicalPath: canonicalizePath(rawPath) } as unknown as Request
  const ctx = new Context(req, new Response())
  let nextCalled = false
  await mw(ctx, async () => {
    nextCalled = true
    await onNext?.(ctx)
  })
  return {
    status: ctx.res.status,
    statusSet: ctx.res.statusSet,
    reason: ctx.res.reason,
    body: ctx.res.body,
    hit: ctx.state.allowlist,
    nextCalled,
  }
}
