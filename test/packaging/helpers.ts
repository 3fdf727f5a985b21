// Helpers for the packaging tests: child processes with a bounded run time, an environment without the
// variables pnpm sets for its own scripts, a build lock shared by the test files, and a tarball reader.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Every package the monorepo publishes, folder → name. */
export const PACKAGES = {
  core: 'tinyhttp-core',
  allowlist: 'tinyhttp-allowlist',
  static: 'tinyhttp-static',
  cors: 'tinyhttp-cors',
  rules: 'tinyhttp-rules',
  fallback: 'tinyhttp-fallback',
  compress: 'tinyhttp-compress',
  listing: 'tinyhttp-listing',
  metrics: 'tinyhttp-metrics',
  websocket: 'tinyhttp-websocket',
  cli: 'tinyhttp-cli',
} as const

/** The packages that are plugins: they peer-depend on the core and on nothing else of ours. */
export const PLUGINS = [
  'tinyhttp-allowlist',
  'tinyhttp-static',
  'tinyhttp-cors',
  'tinyhttp-fallback',
  'tinyhttp-compress',
  'tinyhttp-rules',
  'tinyhttp-listing',
  'tinyhttp-metrics',
  'tinyhttp-websocket',
] as const

/** The folders under `packages/` that hold a publishable (non-private) package, with their names. */
export function workspacePackages(): Array<{ dir: string; name: string; version: string }> {
  const root = join(REPO_ROOT, 'packages')
  const out: Array<{ dir: string; name: string; version: string }> = []
  for (const entry of readdirSync(root).sort()) {
    const manifest = join(root, entry, 'package.json')
    if (!existsSync(manifest)) continue
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; version: string; private?: boolean }
    if (pkg.private === true) continue
    out.push({ dir: join(root, entry), name: pkg.name, version: pkg.version })
  }
  return out
}

/** What a finished child process gave. */
export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** Whether it was killed because it ran longer than its time limit. */
  timedOut: boolean
}

/** Options for {@link run}. */
export interface RunOptions {
  cwd: string
  /** Milliseconds before the process (group) is killed. */
  timeoutMs: number
  env?: NodeJS.ProcessEnv
}

const live = new Set<ChildProcess>()

/** Kills, by PID, every child that {@link run} or {@link track} started and that is still running. */
export function killLiveChildren(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  }
  live.clear()
}

/** Remembers a child so that {@link killLiveChildren} ends it. */
export function track(child: ChildProcess): ChildProcess {
  live.add(child)
  child.once('exit', () => live.delete(child))
  return child
}

/**
 * Runs a command without a shell and collects its output; kills it (SIGKILL, by PID) after `timeoutMs`.
 *
 * @param command - the executable
 * @param args - its arguments
 * @param options - working directory, time limit, environment
 * @returns exit code, signal, output and whether the time limit was hit
 */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(command, args, {
        cwd: options.cwd,
        env: options.env ?? cleanEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    )
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => {
      timedOut = true
      if (child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGKILL')
        } catch {
          // already gone
        }
      }
    }, options.timeoutMs)
    child.once('error', err => {
      clearTimeout(timer)
      reject(new Error(`cannot run ${command}: ${err.message}`))
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, timedOut })
    })
  })
}

/** One line describing a finished command, with its output, for assertion messages. */
export function describeRun(what: string, r: RunResult): string {
  const how = r.timedOut ? 'timed out' : r.signal !== null ? `was killed by ${r.signal}` : `exited with ${r.code}`
  return `${what} ${how}\n--- stdout ---\n${r.stdout.trimEnd()}\n--- stderr ---\n${r.stderr.trimEnd()}`
}

/**
 * Runs a command and throws (with its output) unless it exits with 0.
 *
 * @returns the result
 */
export async function runOk(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const r = await run(command, args, options)
  if (r.code !== 0) throw new Error(describeRun(`\`${command} ${args.join(' ')}\` (in ${options.cwd})`, r))
  return r
}

// npm settings that a user or CI may set through the environment and that installing must keep.
const KEEP_NPM_CONFIG = new Set([
  'registry',
  'cache',
  'userconfig',
  'globalconfig',
  'proxy',
  'https_proxy',
  'http_proxy',
  'noproxy',
  'no_proxy',
  'strict_ssl',
  'cafile',
  'ca',
])

/**
 * The environment without what pnpm sets for its own scripts (`npm_config_*`, `npm_package_*`,
 * `npm_lifecycle_*`, `PNPM_*`), so that `npm` in a temp project behaves as it does for a user.
 * Registry, cache and proxy settings are kept. `NO_COLOR=1` keeps the output readable.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase()
    if (lower.startsWith('npm_config_') && !KEEP_NPM_CONFIG.has(lower.slice('npm_config_'.length))) continue
    if (lower.startsWith('npm_') && !lower.startsWith('npm_config_')) continue
    if (lower.startsWith('pnpm_') || lower === 'init_cwd') continue
    env[key] = value
  }
  delete env.FORCE_COLOR
  return { ...env, NO_COLOR: '1', ...extra }
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Runs `pnpm exec tsc -b` and `scripts/strip-dist.mjs` at the repository root under a lock, so the packaging test files (which run in
 * parallel) never build into `dist/` at the same time. The build is incremental: once built, it is quick.
 *
 * @param timeoutMs - limit for waiting plus building
 */
export async function buildOnce(timeoutMs = 150_000): Promise<void> {
  const lock = join(tmpdir(), `tinyhttp-packaging-build-${Buffer.from(REPO_ROOT).toString('hex').slice(-24)}.lock`)
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      mkdirSync(lock)
      writeFileSync(join(lock, 'pid'), String(process.pid))
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      // A lock left by a process that is gone is stale.
      let owner = NaN
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'))
      } catch {
        // being written; retry
      }
      if (Number.isInteger(owner) && owner > 0 && !pidAlive(owner)) {
        rmSync(lock, { recursive: true, force: true })
        continue
      }
      if (Date.now() > deadline) throw new Error(`waited too long for the build lock ${lock}`)
      await sleep(200)
    }
  }
  try {
    await runOk('pnpm', ['exec', 'tsc', '-b'], { cwd: REPO_ROOT, timeoutMs: Math.max(10_000, deadline - Date.now()) })
    await runOk(process.execPath, ['scripts/strip-dist.mjs'], { cwd: REPO_ROOT, timeoutMs: 60_000 })
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

/**
 * Reads every regular file of a `.tgz` (ustar, as npm and pnpm write it).
 *
 * @param file - the tarball
 * @returns path inside the archive (e.g. `package/package.json`) → contents
 */
export function readTarball(file: string): Map<string, Buffer> {
  const data = gunzipSync(readFileSync(file))
  const files = new Map<string, Buffer>()
  let offset = 0
  let longName: string | undefined
  while (offset + 512 <= data.length) {
    const header = data.subarray(offset, offset + 512)
    if (header.every(b => b === 0)) break
    const field = (start: number, length: number): string => {
      const raw = header.subarray(start, start + length)
      const end = raw.indexOf(0)
      return raw.subarray(0, end === -1 ? length : end).toString('utf8')
    }
    const size = parseInt(field(124, 12).trim() || '0', 8)
    const type = field(156, 1)
    const prefix = header.subarray(257, 262).toString('latin1') === 'ustar' ? field(345, 155) : ''
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100))
    const body = data.subarray(offset + 512, offset + 512 + size)
    longName = undefined
    if (type === 'x') {
      // pax extended header: take `path` if present
      const m = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))
      if (m) longName = m[1]
    } else if (type === 'L') {
      longName = body.toString('utf8').replace(/\0+$/, '')
    } else if (type === '0' || type === '' || type === '7') {
      files.set(name, Buffer.from(body))
    }
    offset += 512 + Math.ceil(size / 512) * 512
  }
  return files
}
