// A socket on a `tls.Server` attached to an App is not a connection until its TLS handshake is done. Until
// then the App keeps it among its handshakes, so that close() ends it at once instead of waiting for the
// handshake timeout (Node's default: 120 s) of a client that stalls mid-handshake.
import { connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect, createServer, type Server } from 'node:tls'
import { createApp, type App } from 'tinyhttp-core'
import { afterEach, describe, expect, test } from 'vitest'
import { sleep } from '../helpers/serve.js'
import { certForFile } from '../proxy/tls-cert.js'

const tlsCert = certForFile()
const OPENSSL = tlsCert.available

const apps: App[] = []
const sockets: Socket[] = []
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy()
  await Promise.all(apps.splice(0).map(app => app.close(200)))
})

async function startTls(): Promise<{ app: App; port: number }> {
  const app = createApp()
  app.use(ctx => {
    ctx.res.body = `secure ${ctx.req.secure}`
  })
  apps.push(app)
  const { key, cert } = tlsCert.cert()
  const server: Server = createServer({ key, cert, allowHalfOpen: true })
  app.attach(server)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { app, port: (server.address() as { port: number }).port }
}

/** Polls until `ok()` or `ms` passed; returns the last answer. */
async function until(ok: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (!ok() && Date.now() < deadline) await sleep(5)
  return ok()
}

describe.skipIf(!OPENSSL)('TLS handshakes on an attached tls.Server', () => {
  test('a client that stalls mid-handshake does not hold app.close(), and its socket is closed', async () => {
    const { app, port } = await startTls()
    const raw = netConnect({ port, host: '127.0.0.1' })
    sockets.push(raw)
    const closed = new Promise<void>(resolve => raw.once('close', () => resolve()))
    raw.on('error', () => {})
    // The first bytes of a ClientHello, and then nothing: TLS waits for the rest.
    raw.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]))
    expect(await until(() => app.handshakes.size === 1, 2000)).toBe(true)
    const started = Date.now()
    await app.close(100)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(app.handshakes.size).toBe(0)
    await closed
  })

  test('a client that never sends a byte does not hold app.close() either', async () => {
    const { app, port } = await startTls()
    const raw = netConnect({ port, host: '127.0.0.1' })
    sockets.push(raw)
    raw.on('error', () => {})
    expect(await until(() => app.handshakes.size === 1, 2000)).toBe(true)
    const started = Date.now()
    await app.close(100)
    expect(Date.now() - started).toBeLessThan(2000)
  })

  test('a completed handshake leaves the handshakes: the connection is an HTTP one, answered and counted', async () => {
    const { app, port } = await startTls()
    const tls = tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false })
    sockets.push(tls)
    await new Promise<void>((resolve, reject) => {
      tls.once('secureConnect', resolve)
      tls.once('error', reject)
    })
    tls.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    const chunks: Buffer[] = []
    tls.on('data', chunk => chunks.push(chunk))
    expect(await until(() => Buffer.concat(chunks).toString('latin1').endsWith('secure true'), 2000)).toBe(true)
    expect(app.handshakes.size).toBe(0)
    expect(app.connectionCount).toBe(1)
  })
})
