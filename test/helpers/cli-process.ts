import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The built CLI entry point. */
export const CLI_BIN = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url))

/** A CLI process started by a test. */
export interface CliProcess {
  child: ChildProcess
  port: number
  url: string
  stdout(): string
  stderr(): string
  /** SIGTERM, then SIGKILL after 3 s; resolves with the exit code. */
  stop(): Promise<number | null>
}

/** Whether the CLI has been built. */
export function cliBuilt(): boolean {
  return existsSync(CLI_BIN)
}

/**
 * Spawns `node packages/cli/dist/bin.js ...args` (or another `script`, e.g. the repository's
 * scripts/start.mjs) and waits (≤ 10 s) for its `Local: http://host:port` line.
 */
export function spawnCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; script?: string } = {}): Promise<CliProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.script ?? CLI_BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    let settled = false
    const timer = setTimeout(() => fail(new Error(`CLI did not print its address in 10 s; stdout=${out} stderr=${err}`)), 10_000)
    const fail = (e: Error): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(e)
    }
    const exited = new Promise<number | null>(res => child.once('exit', code => res(code)))
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /Local:\s+(https?:\/\/[^\s:]+:(\d+))/.exec(out)
      if (m && !settled) {
        settled = true
        clearTimeout(timer)
        resolve({
          child,
          port: Number(m[2]),
          url: m[1] as string,
          stdout: () => out,
          stderr: () => err,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) {
              child.kill('SIGTERM')
              const force = setTimeout(() => child.kill('SIGKILL'), 3000)
              const code = await exited
              clearTimeout(force)
              return code
            }
            return child.exitCode
          },
        })
      }
    })
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()))
    child.once('exit', code => fail(new Error(`CLI exited with ${code} before listening; stderr=${err}`)))
  })
}
