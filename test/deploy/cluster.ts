// Three CLI instances with a site, an allow file and (optionally) a certificate in a scratch folder: the
// set-up the HAProxy and nginx tests share, and the checks they make on what the instances logged.
import { once } from 'node:events'
import { X509Certificate } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { dirname, join } from 'node:path'
import { connect as tlsConnect } from 'node:tls'
import { freePorts, Instance, makeCertificate, scratchDir, type AccessLine } from './instances.js'
import type { LoadReport } from './load-client.js'

/** The site's files: served under load (allowed before and after a reload) and `/new.txt`. */
export const SITE: Record<string, string> = {
  'index.html': `<!doctype html>\n<title>deploy test</title>\n${'<p>tinyhttp behind a load balancer</p>\n'.repeat(50)}`,
  'style.css': `body { font: 16px/1.5 system-ui }\n${'.x { color: #123 }\n'.repeat(20)}`,
  'data.json': `${JSON.stringify({ ok: true, items: Array.from({ length: 40 }, (_, i) => i) })}\n`,
  'new.txt': 'allowed only after the reload\n',
}
/** The files the load asks for, with their bytes. */
export const LOAD_FILES = new Map(['index.html', 'style.css', 'data.json'].map(f => [`/${f}`, Buffer.from(SITE[f] as string)]))

export interface Cluster {
  dir: string
  site: string
  allowFile: string
  tls: { cert: string; key: string } | undefined
  instances: Instance[]
  /** Ends every instance by PID and removes the scratch folder. */
  destroy(): Promise<void>
}

/** Three instances behind a PROXY-protocol balancer on 127.0.0.1, started and listening. */
export async function startCluster(name: string, options: { tls?: boolean; drainDelay?: number } = {}): Promise<Cluster> {
  const dir = scratchDir(name)
  const site = join(dir, 'site')
  for (const [file, content] of Object.entries(SITE)) writeFileAt(join(site, file), content)
  const allowFile = join(dir, 'allow.txt')
  writeFileSync(allowFile, 'index.html\nstyle.css\ndata.json\n')
  const tls = options.tls === true ? makeCertificate(dir, 'server') : undefined
  const ports = await freePorts(6)
  const args = (): string[] => [
    site,
    '--host', '127.0.0.1',
    '--allow-file', allowFile,
    '--proxy-protocol', '--trusted-proxies', '127.0.0.1',
    '--drain-delay', String(options.drainDelay ?? 2),
    '--log-format', 'json',
    '--no-config',
    ...(tls !== undefined ? ['--tls-cert', tls.cert, '--tls-key', tls.key] : []),
  ]
  const instances = [0, 1, 2].map(i => new Instance(`web${i + 1}`, ports[i] as number, ports[i + 3] as number, args))
  const cluster: Cluster = {
    dir,
    site,
    allowFile,
    tls,
    instances,
    async destroy() {
      await Promise.all(instances.map(i => i.kill()))
      rmSync(dir, { recursive: true, force: true })
    },
  }
  try {
    await Promise.all(instances.map(i => i.start()))
  } catch (err) {
    await cluster.destroy()
    throw err
  }
  return cluster
}

function writeFileAt(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, content)
}

/** Status of `GET /readyz` on an admin port, or 0 when nothing answers. */
export async function readyz(adminPort: number): Promise<number> {
  try {
    const socket = connect({ port: adminPort, host: '127.0.0.1' })
    await once(socket, 'connect')
    socket.end('GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
    let out = ''
    for await (const chunk of socket) out += (chunk as Buffer).toString('latin1')
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(out)?.[1] ?? 0)
  } catch {
    return 0
  }
}

/** Waits (≤ ms) until `/readyz` of the instance says 200. */
export async function waitReady(instance: Instance, ms = 10_000): Promise<void> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if ((await readyz(instance.adminPort)) === 200) return
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error(`${instance.name}: /readyz not 200 after ${ms} ms; stderr: ${instance.stderr}`)
}

/**
 * Connects straight to an instance's public port as a balancer would: a PROXY v1 header, then (over TLS)
 * the handshake; asks `GET path` and returns the status and the certificate presented.
 */
export async function directRequest(instance: Instance, path: string, tls: boolean): Promise<{ status: number; body: string; fingerprint?: string }> {
  const raw = connect({ port: instance.port, host: '127.0.0.1' })
  await once(raw, 'connect')
  raw.write(`PROXY TCP4 127.0.0.1 127.0.0.1 ${raw.localPort} ${instance.port}\r\n`)
  let fingerprint: string | undefined
  let socket: import('node:net').Socket = raw
  if (tls) {
    const secure = tlsConnect({ socket: raw, rejectUnauthorized: false, servername: 'localhost' })
    await once(secure, 'secureConnect')
    fingerprint = secure.getPeerCertificate().fingerprint256
    socket = secure
  }
  socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`)
  let out = Buffer.alloc(0)
  for await (const chunk of socket) out = Buffer.concat([out, chunk as Buffer])
  const text = out.toString('utf8')
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)
  return { status, body: text.slice(text.indexOf('\r\n\r\n') + 4), ...(fingerprint !== undefined ? { fingerprint } : {}) }
}

/** The SHA-256 fingerprint of a PEM certificate file, as `getPeerCertificate().fingerprint256` gives it. */
export function fingerprintOf(certFile: string): string {
  return new X509Certificate(readFileSync(certFile)).fingerprint256
}

/**
 * The access-log lines of the load's requests whose address is not the load client's: each must name
 * 127.0.0.1 and one of the client's own ephemeral ports (the balancer's ports never appear).
 */
export function foreignLogLines(instances: readonly Instance[], report: LoadReport): { lines: AccessLine[]; foreign: AccessLine[] } {
  const lines = instances.flatMap(i => i.log).filter(l => LOAD_FILES.has(l.path))
  const foreign = lines.filter(l => l.remote !== '127.0.0.1' || l.remotePort === undefined || !report.localPorts.has(l.remotePort))
  return { lines, foreign }
}
