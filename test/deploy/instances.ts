// CLI instances for the load-balancer tests: started as child processes of the built CLI on fixed
// loopback ports (a balancer's config names them), stopped by PID, their JSON access logs kept across
// restarts. Also: free ports, a scratch site, and self-signed certificates made with openssl.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLI_BIN } from '../helpers/cli-process.js'

/** `n` ports that were free a moment ago on 127.0.0.1 (bound together, then released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const s = createServer()
      s.once('error', reject)
      s.listen(0, '127.0.0.1', () => resolve(s))
    })),
  )
  const ports = servers.map(s => (s.address() as { port: number }).port)
  await Promise.all(servers.map(s => new Promise(resolve => s.close(resolve))))
  return ports
}

/** A scratch folder for one test: the site, allow files, certificates, balancer configs. */
export function scratchDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `tinyhttp-${name}-`))
}

/** Writes a file atomically (a temp file renamed over it), as a deploy tool would. */
export function writeAtomically(path: string, content: string | Buffer): void {
  const temp = `${path}.${process.pid}.tmp`
  writeFileSync(temp, content)
  renameSync(temp, path)
}

/** A self-signed certificate for `localhost` (P-256), written to `<dir>/<name>.crt` and `.key`. */
export function makeCertificate(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`)
  const key = join(dir, `${name}.key`)
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=localhost/O=${name}`, '-days', '2', '-keyout', key, '-out', cert], { stdio: 'ignore' })
  return { cert, key }
}

/** One JSON access-log line (the fields the tests read). */
export interface AccessLine {
  remote: string
  remotePort?: number
  method: string
  path: string
  status: number
}

/** A CLI instance on fixed ports; `start()` may be called again after it stopped (a restart). */
export class Instance {
  child: ChildProcess | undefined
  /** Every JSON access-log line of every run of this instance. */
  readonly log: AccessLine[] = []
  /** stderr of every run, for failure messages. */
  stderr = ''
  private partial = ''

  constructor(
    readonly name: string,
    readonly port: number,
    readonly adminPort: number,
    /** The CLI's arguments, without --port and --admin (this class adds them). */
    readonly args: () => string[],
  ) {}

  /** Starts the CLI and resolves once it printed its `Local:` line (≤ 10 s). */
  start(): Promise<void> {
    const child = spawn(process.execPath, [CLI_BIN, ...this.args(), '--port', String(this.port), '--admin', `127.0.0.1:${this.adminPort}`], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    this.partial = ''
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not start in 10 s: ${this.stderr}`)), 10_000)
      child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()))
      child.stdout?.on('data', (d: Buffer) => {
        const text = this.partial + d.toString()
        const lines = text.split('\n')
        this.partial = lines.pop() as string
        for (const line of lines) {
          if (line.startsWith('{')) this.log.push(JSON.parse(line) as AccessLine)
          else if (/Local:\s+https?:\/\//.test(line)) {
            clearTimeout(timer)
            resolve()
          }
        }
      })
      child.once('exit', code => {
        clearTimeout(timer)
        reject(new Error(`${this.name} exited with ${code} before listening: ${this.stderr}`))
      })
    })
  }

  /** Whether the current run is still alive. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
  }

  /** Sends a signal to the current run by PID. */
  signal(signal: NodeJS.Signals): void {
    if (this.running) process.kill(this.child?.pid as number, signal)
  }

  /** Resolves with the exit code (or signal) of the current run, within `ms`. */
  async exited(ms = 15_000): Promise<number | string> {
    const child = this.child
    if (child === undefined) return 'not started'
    if (child.exitCode !== null) return child.exitCode
    if (child.signalCode !== null) return child.signalCode
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} still running after ${ms} ms`)), ms)
      child.once('exit', (code, sig) => {
        clearTimeout(timer)
        resolve(code ?? (sig as string))
      })
    })
  }

  /** Ends the current run for good (SIGKILL by PID) and waits for it. */
  async kill(): Promise<void> {
    if (!this.running) return
    this.signal('SIGKILL')
    await this.exited()
  }
}
