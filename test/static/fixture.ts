/**
 * Temp-dir fixtures and a tiny App runner for the static tests. Everything started here is stopped by
 * {@link cleanup} (call it in afterEach).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createApp, type App, type Middleware } from 'tinyhttp-core'
import { serveStatic, type ServeStaticOptions } from 'tinyhttp-static'

const dirs: string[] = []
const apps: App[] = []
const closers: Array<() => void> = []

/** Creates a temp dir with the given files (path → content); returns its absolute path. */
export function makeRoot(files: Record<string, string | Buffer>): string {
  const base = mkdtempSync(path.join(tmpdir(), 'tinyhttp-static-'))
  dirs.push(base)
  const root = path.join(base, 'www')
  mkdirSync(root)
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name)
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, content)
  }
  return root
}

/** Starts an App on 127.0.0.1:0 with `before` middleware, then serveStatic(root, options). */
export async function start(
  root: string,
  options?: ServeStaticOptions,
  before: Middleware<any>[] = [],
): Promise<{ port: number; app: App }> {
  const app = createApp()
  for (const mw of before) app.use(mw)
  const mw = serveStatic(root, options)
  closers.push(() => mw.close())
  app.use(mw)
  const { port } = await app.listen(0, '127.0.0.1')
  apps.push(app)
  return { port, app }
}

/** Stops every App, closes every middleware cache, removes every temp dir. */
export async function cleanup(): Promise<void> {
  const running = apps.splice(0)
  await Promise.all(running.map(a => a.close(200)))
  for (const close of closers.splice(0)) close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

/** Polls `check` every `everyMs` until it returns true or `timeoutMs` passes; returns the last result. */
export async function poll(check: () => Promise<boolean>, timeoutMs = 3000, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return true
    if (Date.now() >= deadline) return false
    await sleep(everyMs)
  }
}
