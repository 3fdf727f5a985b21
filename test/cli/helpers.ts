import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url))
/** The compiled bin. */
export const BIN = join(REPO, 'packages/cli/dist/bin.js')

/** Builds the workspace once when the bin has not been compiled (the test script builds first). */
export function ensureBuilt(): void {
  if (existsSync(BIN)) return
  execFileSync('pnpm', ['exec', 'tsc', '-b'], { cwd: REPO, stdio: 'inherit', timeout: 180_000 })
  execFileSync(process.execPath, ['scripts/strip-dist.mjs'], { cwd: REPO, stdio: 'inherit', timeout: 60_000 })
}

const tempDirs: string[] = []

/** A fresh temporary folder, removed by {@link cleanupTemp}. */
export function tempDir(prefix = 'tinyhttp-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  tempDirs.push(dir)
  return dir
}

/** Removes every folder made by {@link tempDir}. */
export function cleanupTemp(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true })
}

/**
 * A temporary folder holding `public/` with a copy of the demo's index.html and style.css.
 *
 * @returns the folder (the working directory) and its `public` root
 */
export function demoSite(): { cwd: string; root: string } {
  const cwd = tempDir()
  const root = join(cwd, 'public')
  mkdirSync(root)
  for (const name of ['index.html', 'style.css']) copyFileSync(join(REPO, 'public', name), join(root, name))
  return { cwd, root }
}

/** A spawned `tinyhttp-cli`. */
export interface CliProcess {
  child: ChildProcess
  pid: number
  /** Everything written to stdout so far. */
  stdout(): string
  /** Everything written to stderr so far. */
  stderr(): string
  /** Waits until stdout matches (bounded). */
  waitForStdout(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>
  /** Waits until stderr matches (bounded). */
  waitForStderr(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>
  /** Waits for the exit (bounded; rejects on timeout). */
  exited(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const running = new Set<ChildProcess>()
/** Other pids to kill in cleanup (cluster workers seen in logs). */
export const extraPids = new Set<number>()

function waitFor(get: () => string, subscribe: (fn: () => void) => () => void, re: RegExp, timeoutMs: number, what: string, exited: () => boolean): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const m = get().match(re)
      if (m !== null) {
        done()
        resolve(m)
        return true
      }
      if (exited()) {
        done()
        reject(new Error(`process exited before ${what} matched ${re}; got ${JSON.stringify(get())}`))
        return true
      }
      return false
    }
    const timer = setTimeout(() => {
      done()
      reject(new Error(`timed out waiting for ${what} to match ${re}; got ${JSON.stringify(get())}`))
    }, timeoutMs)
    const unsubscribe = subscribe(() => void check())
    const done = (): void => {
      clearTimeout(timer)
      unsubscribe()
    }
    check()
  })
}

/**
 * Spawns `node packages/cli/dist/bin.js …args` with `NO_COLOR=1` and no `PORT` unless given.
 *
 * @param args - command-line arguments
 * @param options - working directory and extra environment
 */
export function spawnCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): CliProcess {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', PORT: undefined, FORCE_COLOR: undefined }
  for (const [k, v] of Object.entries(options.env ?? {})) env[k] = v
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k]
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] })
  running.add(child)
  let out = ''
  let err = ''
  let hasExited = false
  const listeners = new Set<() => void>()
  const notify = (): void => {
    for (const fn of [...listeners]) fn()
  }
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    out += s
    notify()
  })
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    err += s
    notify()
  })
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(resolve => {
    child.once('close', (code, signal) => {
      hasExited = true
      running.delete(child)
      notify()
      resolve({ code, signal })
    })
  })
  const subscribe = (fn: () => void): (() => void) => {
    listeners.add(fn)
    return () => listeners.delete(fn)
  }
  return {
    child,
    pid: child.pid as number,
    stdout: () => out,
    stderr: () => err,
    waitForStdout: (re, timeoutMs = 10_000) => waitFor(() => out, subscribe, re, timeoutMs, 'stdout', () => hasExited),
    waitForStderr: (re, timeoutMs = 10_000) => waitFor(() => err, subscribe, re, timeoutMs, 'stderr', () => hasExited),
    exited: (timeoutMs = 10_000) =>
      Promise.race([
        exit,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`process did not exit within ${timeoutMs} ms; stderr ${JSON.stringify(err)}`)), timeoutMs).unref()),
      ]),
  }
}

/**
 * Spawns the CLI and waits (≤ 10 s) for its `Local:` line.
 *
 * @returns the process and the port it listens on
 */
export async function startCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliProcess & { port: number; url: string }> {
  const cli = spawnCli(args, options)
  const m = await cli.waitForStdout(/^Local: (https?:\/\/[^\s]+:(\d+))$/m, 10_000)
  return Object.assign(cli, { url: m[1] as string, port: Number(m[2]) })
}

/** Kills every process spawned by {@link spawnCli} (and known workers), by pid. */
export async function killAll(): Promise<void> {
  for (const pid of extraPids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone already
    }
  }
  extraPids.clear()
  const children = [...running]
  await Promise.all(
    children.map(
      child =>
        new Promise<void>(resolve => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve()
          const timer = setTimeout(resolve, 3000)
          child.once('close', () => {
            clearTimeout(timer)
            resolve()
          })
          try {
            process.kill(child.pid as number, 'SIGKILL')
          } catch {
            clearTimeout(timer)
            resolve()
          }
        }),
    ),
  )
  running.clear()
}

/** Whether a command exists (`openssl version`). */
export function has(cmd: string, arg = 'version'): boolean {
  try {
    execFileSync(cmd, [arg], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

/** A GET (or other method) request as raw bytes. */
export function request(method: string, path: string, headers: Record<string, string> = {}, body = ''): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)]
  if (body !== '' || method === 'POST') lines.push(`Content-Length: ${Buffer.byteLength(body)}`)
  return lines.join('\r\n') + '\r\n\r\n' + body
}
