import { createApp, type App, type AppOptions, type Middleware } from 'tinyhttp-core'

/** A running App on 127.0.0.1 and an ephemeral port. */
export interface Served {
  app: App
  port: number
  close(): Promise<void>
}

const running = new Set<Served>()

/** Starts an App with the given middleware; close it with {@link closeAll} in afterEach. */
export async function serve(middleware: Middleware<any> | Array<Middleware<any>>, options?: AppOptions): Promise<Served> {
  const app = createApp(options)
  for (const mw of Array.isArray(middleware) ? middleware : [middleware]) app.use(mw)
  const { port } = await app.listen(0, '127.0.0.1')
  const served: Served = { app, port, close: () => app.close(200) }
  running.add(served)
  return served
}

/** Closes every App started by {@link serve}. */
export async function closeAll(): Promise<void> {
  const all = [...running]
  running.clear()
  await Promise.all(all.map(s => s.close()))
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}
