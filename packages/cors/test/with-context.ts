import { createApp, type Context } from 'tinyhttp-core'

/**
 * Sends `method path` with `headers` through a real app with `app.inject()` — the bytes go through the
 * parser, the connection and the chain like a socket's — and runs `body` as its middleware with the
 * context the core built, so a test can call one middleware on it with a `next` of its own. What `body`
 * throws (a failed assertion included) rejects here instead of becoming the app's 500.
 */
export async function withContext(method: string, path: string, headers: Record<string, string>, body: (ctx: Context) => Promise<void>): Promise<void> {
  let failure: { error: unknown } | undefined
  let ran = false
  const app = createApp()
  app.use(async function test(ctx) {
    ran = true
    try {
      await body(ctx)
    } catch (error) {
      failure = { error }
    }
  })
  const res = await app.inject({ method, target: path, headers: { Host: 'x', ...headers } })
  if (failure !== undefined) throw failure.error
  if (!ran) throw new Error(`${method} ${path} never reached the chain: the core answered ${res.status}`)
}
