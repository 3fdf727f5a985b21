import { existsSync } from 'node:fs'
import { createServer as createTlsServer } from 'node:tls'
import { createApp, type App } from 'tinyhttp-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { freePort, HAPROXY, NGINX, NGINX_STREAM_MODULE, startBalancer, type Balancer } from './balancers.js'
import { hasOpenssl, makeCert, type TestCert } from './tls-cert.js'
import { GET, bodyOf, wire } from './wire-client.js'

/**
 * Differential tests against real load balancers: the client connects to HAProxy / nginx on loopback,
 * the balancer relays to tinyhttp with a PROXY header, and the address and port the app sees must be the
 * client socket's own local address and port.
 */

// The TLS listener needs a certificate from openssl; without it the balancers are not tested at all.
const OPENSSL = hasOpenssl()
let cert: TestCert
const apps: App[] = []
let plainPort = 0
let tlsPort = 0

/** An app that reports the client it sees, on a plain and a TLS listener, both with the PROXY protocol. */
beforeAll(async () => {
  if (!OPENSSL) return
  cert = makeCert()
  const app = createApp()
  app.use(ctx => {
    ctx.res.body = `${ctx.req.remoteAddress} ${ctx.req.remotePort} ${ctx.req.secure}`
  })
  apps.push(app)
  plainPort = (await app.listen(0, '127.0.0.1', { proxyProtocol: { trusted: '127.0.0.1' } })).port
  const server = createTlsServer({ key: cert.key, cert: cert.cert, allowHalfOpen: true })
  app.attach(server, { proxyProtocol: { trusted: '127.0.0.1' } })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  tlsPort = (server.address() as { port: number }).port
})

afterAll(async () => {
  await Promise.all(apps.map(app => app.close(200)))
  cert?.remove()
})

/** Three requests on fresh connections: each must be seen as the client socket itself. */
async function expectClientSeen(frontend: number, secure: boolean): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const result = await wire(frontend, [GET], { timeoutMs: 5000 })
    expect(result.received.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(bodyOf(result.received)).toBe(`${result.local.address} ${result.local.port} ${secure}`)
  }
}

describe.skipIf(!OPENSSL || !existsSync(HAPROXY))('HAProxy (send-proxy, send-proxy-v2) in front of tinyhttp', () => {
  let haproxy: Balancer
  const fronts = { v1: 0, v2: 0, v1Tls: 0, v2Tls: 0 }

  beforeAll(async () => {
    for (const key of Object.keys(fronts) as Array<keyof typeof fronts>) fronts[key] = await freePort()
    const section = (name: string, front: number, server: string): string =>
      `frontend fe_${name}\n  bind 127.0.0.1:${front}\n  default_backend be_${name}\nbackend be_${name}\n  server app ${server}\n`
    haproxy = await startBalancer(
      HAPROXY,
      dir => ['-db', '-f', `${dir}/haproxy.cfg`],
      'haproxy.cfg',
      () =>
        [
          'global\n  maxconn 100\n',
          'defaults\n  mode tcp\n  timeout connect 2s\n  timeout client 10s\n  timeout server 10s\n',
          section('v1', fronts.v1, `127.0.0.1:${plainPort} send-proxy`),
          section('v2', fronts.v2, `127.0.0.1:${plainPort} send-proxy-v2`),
          section('v1tls', fronts.v1Tls, `127.0.0.1:${tlsPort} send-proxy ssl verify none`),
          section('v2tls', fronts.v2Tls, `127.0.0.1:${tlsPort} send-proxy-v2 ssl verify none`),
        ].join('\n'),
      Object.values(fronts),
    )
  }, 20_000)
  afterAll(() => haproxy?.stop())

  test('send-proxy (v1) to a plain listener', () => expectClientSeen(fronts.v1, false))
  test('send-proxy-v2 to a plain listener', () => expectClientSeen(fronts.v2, false))
  test('send-proxy (v1) to a TLS listener (the header before the handshake)', () => expectClientSeen(fronts.v1Tls, true))
  test('send-proxy-v2 to a TLS listener (the header before the handshake)', () => expectClientSeen(fronts.v2Tls, true))
})

describe.skipIf(!OPENSSL || !existsSync(NGINX) || !existsSync(NGINX_STREAM_MODULE))('nginx (stream, proxy_protocol on) in front of tinyhttp', () => {
  let nginx: Balancer
  const fronts = { plain: 0, tls: 0 }

  beforeAll(async () => {
    fronts.plain = await freePort()
    fronts.tls = await freePort()
    nginx = await startBalancer(
      NGINX,
      dir => ['-p', dir, '-e', `${dir}/error.log`, '-c', `${dir}/nginx.conf`],
      'nginx.conf',
      dir =>
        [
          `load_module ${NGINX_STREAM_MODULE};`,
          'daemon off;',
          'master_process off;',
          `pid ${dir}/nginx.pid;`,
          `error_log ${dir}/error.log;`,
          'events { worker_connections 64; }',
          'stream {',
          `  server { listen 127.0.0.1:${fronts.plain}; proxy_pass 127.0.0.1:${plainPort}; proxy_protocol on; }`,
          `  server { listen 127.0.0.1:${fronts.tls}; proxy_pass 127.0.0.1:${tlsPort}; proxy_protocol on; proxy_ssl on; }`,
          '}',
        ].join('\n'),
      [fronts.plain, fronts.tls],
    )
  }, 20_000)
  afterAll(() => nginx?.stop())

  test('proxy_protocol on to a plain listener', () => expectClientSeen(fronts.plain, false))
  test('proxy_protocol on + proxy_ssl on to a TLS listener', () => expectClientSeen(fronts.tls, true))
})
