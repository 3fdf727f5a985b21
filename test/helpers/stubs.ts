import type { Middleware } from 'tinyhttp-core'

/**
 * Stands in for tinyhttp-allowlist in tests of its neighbours: 400 for a rejected canonical path, 403
 * (no body) for anything but `/index.html`, else the rest of the chain.
 */
export const allowlistStub: Middleware = async function allowlist(ctx, next) {
  const canonical = ctx.req.canonicalPath
  if (!canonical.ok) {
    ctx.res.status = 400
    ctx.res.reason = `reject:${canonical.reason}`
    return
  }
  if (canonical.path !== '/index.html') {
    ctx.res.status = 403
    ctx.res.reason = 'deny:not-allowlisted'
    return
  }
  await next()
}
