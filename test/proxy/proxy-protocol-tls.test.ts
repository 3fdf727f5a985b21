import { connect as netConnect, type Socket } from 'node:net'
import { Duplex } from 'node:stream'
import { connect as tlsConnect, createServer, type Server } from 'node:tls'
import { createApp, type App } from 'tinyhttp-core'
import { afterEach, describe, expect, test } from 'vitest'
import { inet4, v2 } from '../../packages/core/test/proxy/build-v2.js'
import { readToClose } from '../helpers/read-to-close.js'
import { certForFile } from './tls-cert.js'
import { GET, bodyOf, wire } from './wire-client.js'

const tlsCert = certForFile()
const OPENSSL = tlsCert.available

const apps: App[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map(app => app.close(200)))
})

async function startTls(trusted: string): Promise<number> {
  const app = createApp()
  app.use(ctx => {
    ctx.res.body = `${ctx.req.remoteAddress} ${ctx.req.remotePort} ${ctx.req.secure}`
  })
  apps.push(app)
  const { key, cert } = tlsCert.cert()
  const server: Server = createServer({ key, cert, allowHalfOpen: true })
  app.attach(server, { proxyProtocol: { trusted } })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as { port: number }).port
}

/**
 * A stream over a TCP socket that sends `header` in the same write as the first TLS bytes (the
 * ClientHello), as HAProxy does: the server must split them itself.
 */
function prefixed(raw: Socket, header: Buffer): Duplex {
  let first = true
  const duplex = new Duplex({
    write(chunk: Buffer, _encoding, callback) {
      raw.write(first ? Buffer.concat([header, chunk]) : chunk, callback)
      first = false
    },
    read() {
      raw.resume()
    },
    final(callback) {
      raw.end(callback)
    },
  })
  raw.on('data', chunk => {
    if (!duplex.push(chunk)) raw.pause()
  })
  raw.on('end', () => duplex.push(null))
  raw.on('error', err => duplex.destroy(err))
  raw.on('close', () => duplex.destroy())
  return duplex
}

/** Connects, sends `header` then TLS, GETs, and returns the decrypted response. */
function tlsGet(port: number, header: Buffer, together: boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const raw = netConnect(port, '127.0.0.1', () => {
      if (!together) raw.write(header)
      const socket = tlsConnect({ socket: together ? (prefixed(raw, header) as unknown as Socket) : raw, rejectUnauthorized: false, servername: 'localhost' }, () => socket.write(GET))
      readToClose(socket).then(resolve, reject)
    })
    raw.on('error', reject)
  })
}

describe.skipIf(!OPENSSL)('the PROXY protocol on a TLS listener: the header comes before the TLS handshake', () => {
  test.each([
    ['v1, in its own write', Buffer.from('PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n'), false],
    ['v2, in the same write as the ClientHello', inet4(), true],
    ['v1, in the same write as the ClientHello', Buffer.from('PROXY TCP6 2001:db8::17 ::1 4711 443\r\n'), true],
  ])('%s', async (_, header, together) => {
    const port = await startTls('127.0.0.1')
    const response = await tlsGet(port, header, together)
    expect(response.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(bodyOf(response)).toBe(header[0] === 0x50 && header.includes('TCP6') ? '2001:db8::17 4711 true' : '192.0.2.1 56324 true')
  })

  test('a LOCAL header: the socket own peer', async () => {
    const port = await startTls('127.0.0.1')
    expect(bodyOf(await tlsGet(port, inet4([], 0x20), true))).toMatch(/^127\.0\.0\.1 \d+ true$/)
  })

  test.each<[string, Array<Buffer | string>]>([
    ['no header (a ClientHello first)', [Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5])]],
    ['a malformed header', ['PROXY TCP4 nope\r\n']],
    ['an oversized TLV block (announced)', [v2({ familyTransport: 0x11, length: 12 + 4096 })]],
  ])('%s: closed with nothing written (not even a TLS alert), then the next is served', async (_, chunks) => {
    const port = await startTls('127.0.0.1')
    const bad = await wire(port, chunks)
    expect(bad).toMatchObject({ closed: true, received: Buffer.alloc(0) })
    expect(bodyOf(await tlsGet(port, inet4(), true))).toBe('192.0.2.1 56324 true')
  })

  test('an untrusted peer is closed before TLS starts', async () => {
    const port = await startTls('10.0.0.0/8')
    const bad = await wire(port, [inet4()])
    expect(bad).toMatchObject({ closed: true, received: Buffer.alloc(0) })
  })
})

describe.skipIf(!OPENSSL)('the PROXY protocol on a TLS listener: sockets between the header and the TLS handshake', () => {
  test('a peer that hangs up mid-handshake does not hold app.close() (the socket stays among the handshakes until TLS is up)', async () => {
    const port = await startTls('127.0.0.1')
    const app = apps[apps.length - 1] as App
    // The header, then the first bytes of a ClientHello, then a half-close: TLS waits for the rest.
    const partial = await wire(port, [inet4(), Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])], { end: true, timeoutMs: 300 })
    expect(partial.received.length).toBe(0)
    expect(app.handshakes.size).toBe(1)
    const started = Date.now()
    await app.close(100)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(app.handshakes.size).toBe(0)
  })

  test('a completed TLS connection leaves the handshakes', async () => {
    const port = await startTls('127.0.0.1')
    const app = apps[apps.length - 1] as App
    expect(bodyOf(await tlsGet(port, inet4(), true))).toBe('192.0.2.1 56324 true')
    expect(app.handshakes.size).toBe(0)
  })
})
