import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const HAPROXY = '/usr/sbin/haproxy'
export const NGINX = '/usr/sbin/nginx'
export const NGINX_STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so'

/** A free loopback port (bound and released; the balancer binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** A balancer process started by a test, with its own config in a temp dir. */
export interface Balancer {
  dir: string
  child: ChildProcess
  output(): string
  stop(): Promise<void>
}

/** Starts `command args` with `config` written to `<dir>/<configName>`, and waits until every port accepts. */
export async function startBalancer(command: string, args: (dir: string) => string[], configName: string, config: (dir: string) => string, ports: number[]): Promise<Balancer> {
  const dir = mkdtempSync(join(tmpdir(), 'tinyhttp-balancer-'))
  writeFileSync(join(dir, configName), config(dir))
  let output = ''
  const child = spawn(command, args(dir), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout?.on('data', c => (output += c))
  child.stderr?.on('data', c => (output += c))
  const balancer: Balancer = {
    dir,
    child,
    output: () => output + (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
        await exited
        clearTimeout(timer)
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
  for (const port of ports) {
    let up = false
    for (let i = 0; i < 100 && !up && child.exitCode === null; i++) {
      up = await new Promise<boolean>(resolve => {
        const s = connect(port, '127.0.0.1', () => {
          s.destroy()
          resolve(true)
        })
        s.on('error', () => resolve(false))
      })
      if (!up) await new Promise(r => setTimeout(r, 50))
    }
    if (!up) {
      const text = balancer.output()
      await balancer.stop()
      throw new Error(`${command} did not listen on ${port}: ${text}`)
    }
  }
  return balancer
}
