// The real load balancers of the deploy tests, started by the tests themselves on loopback with their own
// config in a scratch folder: HAProxy (health checks on each instance's admin /readyz, PROXY v2 to the
// public port, retries with redispatch; its state read from its admin socket) and nginx (stream module,
// proxy_protocol to the upstreams). Stopped by PID.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import type { Instance } from './instances.js'

export const HAPROXY = '/usr/sbin/haproxy'
export const NGINX = '/usr/sbin/nginx'
export const NGINX_STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so'

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** A balancer process and where it listens. */
export interface Balancer {
  port: number
  child: ChildProcess
  output(): string
  stop(): Promise<void>
}

function startProcess(command: string, args: string[], port: number, ready: () => Promise<boolean>): Promise<Balancer> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  const balancer: Balancer = {
    port,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise(resolve => child.once('exit', resolve))
      process.kill(child.pid as number, 'SIGTERM')
      const force = setTimeout(() => child.exitCode === null && child.signalCode === null && process.kill(child.pid as number, 'SIGKILL'), 3000)
      await exited
      clearTimeout(force)
    },
  }
  return (async () => {
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}: ${output}`)
      if (await ready()) return balancer
      await sleep(100)
    }
    await balancer.stop()
    throw new Error(`${command} did not come up in 10 s: ${output}`)
  })()
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function accepts(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const s = connect({ port, host: '127.0.0.1' })
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

/** HAProxy's settings for the test; the health-check timing must stay below the instances' drain delay. */
export interface HaproxyOptions {
  dir: string
  port: number
  instances: readonly Instance[]
  /** Connect to the instances over TLS (no certificate check: they are self-signed). */
  tls?: boolean
  /** Health-check interval in ms (a server is DOWN after two failed checks, UP after two good ones). @defaultValue 200 */
  interMs?: number
}

/**
 * The HAProxy config of deploy/haproxy.cfg, on loopback: health on /readyz of each admin port,
 * `send-proxy-v2`, `retry-on all-retryable-errors`, `option redispatch`, `retries 3`.
 */
export function haproxyConfig(o: HaproxyOptions): string {
  const inter = o.interMs ?? 200
  const servers = o.instances
    .map(i => `    server ${i.name} 127.0.0.1:${i.port} check port ${i.adminPort}${o.tls ? ' ssl verify none no-check-ssl' : ''}`)
    .join('\n')
  return `global
    stats socket ${join(o.dir, 'haproxy.sock')} mode 600 level admin
    maxconn 2000

defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 10s
    timeout http-keep-alive 5s
    timeout check 1s
    retries 3
    option redispatch 1
    retry-on all-retryable-errors

frontend www
    bind 127.0.0.1:${o.port}
    default_backend tinyhttp

backend tinyhttp
    balance roundrobin
    http-request disable-l7-retry unless METH_GET || METH_HEAD
    option httpchk
    http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host localhost
    http-check expect status 200
    default-server inter ${inter}ms fall 2 rise 2 send-proxy-v2
${servers}
`
}

/** A running HAProxy with its admin socket. */
export interface Haproxy extends Balancer {
  /** `show stat`: status of each server of the backend (`UP`, `DOWN`, `MAINT`, `UP 1/2`…). */
  serverStatus(): Promise<Record<string, string>>
  /** Waits (≤ ms) until the server's status is exactly `status`. */
  waitFor(server: string, status: 'UP' | 'DOWN', ms?: number): Promise<void>
}

/** Starts HAProxy in the foreground (`-db`) with {@link haproxyConfig}. */
export async function startHaproxy(o: HaproxyOptions): Promise<Haproxy> {
  const cfg = join(o.dir, 'haproxy.cfg')
  writeFileSync(cfg, haproxyConfig(o))
  const sock = join(o.dir, 'haproxy.sock')
  const base = await startProcess(HAPROXY, ['-f', cfg, '-db'], o.port, async () => existsSync(sock) && (await accepts(o.port)))
  const ask = (command: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const s = connect(sock)
      let out = ''
      s.on('data', d => (out += d.toString()))
      s.on('end', () => resolve(out))
      s.on('error', reject)
      s.end(`${command}\n`)
    })
  const serverStatus = async (): Promise<Record<string, string>> => {
    const csv = await ask('show stat')
    const lines = csv.split('\n').filter(Boolean)
    const header = (lines[0] as string).replace(/^# /, '').split(',')
    const [px, sv, st] = ['pxname', 'svname', 'status'].map(k => header.indexOf(k)) as [number, number, number]
    const status: Record<string, string> = {}
    for (const line of lines.slice(1)) {
      const f = line.split(',')
      if (f[px] === 'tinyhttp' && f[sv] !== 'BACKEND') status[f[sv] as string] = f[st] as string
    }
    return status
  }
  return {
    ...base,
    serverStatus,
    async waitFor(server, status, ms = 10_000) {
      const until = Date.now() + ms
      let last = ''
      while (Date.now() < until) {
        last = (await serverStatus())[server] ?? 'missing'
        if (last === status) return
        await sleep(50)
      }
      throw new Error(`HAProxy: ${server} is ${last}, not ${status}, after ${ms} ms`)
    },
  }
}

/**
 * The nginx config of deploy/nginx.conf on loopback: the stream module, `proxy_protocol on` to the
 * instances, `proxy_next_upstream` on refused connections.
 */
export function nginxConfig(dir: string, port: number, instances: readonly Instance[]): string {
  const servers = instances.map(i => `        server 127.0.0.1:${i.port} max_fails=1 fail_timeout=1s;`).join('\n')
  return `load_module ${NGINX_STREAM_MODULE};
daemon off;
master_process on;
worker_processes 1;
error_log ${join(dir, 'nginx-error.log')} warn;
pid ${join(dir, 'nginx.pid')};

events {
    worker_connections 1024;
}

stream {
    upstream tinyhttp {
${servers}
    }

    server {
        listen 127.0.0.1:${port};
        proxy_pass tinyhttp;
        proxy_protocol on;
        proxy_connect_timeout 1s;
        proxy_next_upstream on;
        proxy_next_upstream_tries 3;
        proxy_timeout 60s;
    }
}
`
}

/** Starts nginx in the foreground with {@link nginxConfig} (its own prefix: nothing under /etc or /var). */
export async function startNginx(dir: string, port: number, instances: readonly Instance[]): Promise<Balancer> {
  const prefix = join(dir, 'nginx')
  mkdirSync(join(prefix, 'logs'), { recursive: true })
  const conf = join(prefix, 'nginx.conf')
  writeFileSync(conf, nginxConfig(prefix, port, instances))
  const balancer = await startProcess(NGINX, ['-p', prefix, '-c', conf, '-e', join(prefix, 'nginx-error.log')], port, () => accepts(port))
  const errors = join(prefix, 'nginx-error.log')
  return { ...balancer, output: () => balancer.output() + (existsSync(errors) ? readFileSync(errors, 'utf8') : '') }
}
