import { createApp, type App, type AppOptions, type ListenOptions } from 'tinyhttp-core'
import { afterEach, describe, expect, test } from 'vitest'
import { inet4, ipv6, port, tlv, v2 } from '../../packages/core/test/proxy/build-v2.js'
import { GET, bodyOf, openFds, wire } from './wire-client.js'

const apps: App[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map(app => app.close(200)))
})

/** An app that answers with the address and port it sees for the client. */
async function start(listen: ListenOptions, options: AppOptions = {}): Promise<{ app: App; port: number }> {
  const app = createApp(options)
  app.use(ctx => {
    ctx.res.body = `${ctx.req.remoteAddress} ${ctx.req.remotePort}`
  })
  apps.push(app)
  const { port } = await app.listen(0, '127.0.0.1', listen)
  return { app, port }
}

const TRUST_LOOPBACK: ListenOptions = { proxyProtocol: { trusted: '127.0.0.1,::1' } }

describe('a listener with the PROXY protocol: what the app sees', () => {
  test.each<[string, Buffer | string, string]>([
    ['v1 TCP4', 'PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n', '192.0.2.1 56324'],
    ['v1 TCP6', 'PROXY TCP6 2001:db8::17 2001:db8::1 4711 443\r\n', '2001:db8::17 4711'],
    ['v2 PROXY AF_INET with TLVs', inet4([...tlv(0x01, [0x68, 0x32]), ...tlv(0x04, [0, 0, 0])]), '192.0.2.1 56324'],
    [
      'v2 PROXY AF_INET6',
      v2({ familyTransport: 0x21, body: [...ipv6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x17]), ...ipv6([0, 0, 0, 0, 0, 0, 0, 1]), ...port(4711), ...port(443)] }),
      '2001:db8::17 4711',
    ],
  ])('%s: ctx.req.remoteAddress and remotePort are the header source', async (_, header, seen) => {
    const { port: listening } = await start(TRUST_LOOPBACK)
    const result = await wire(listening, [Buffer.concat([Buffer.from(header), Buffer.from(GET)])])
    expect(result.received.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(bodyOf(result.received)).toBe(seen)
  })

  test.each<[string, Buffer | string]>([
    ['v1 UNKNOWN', 'PROXY UNKNOWN\r\n'],
    ['v2 LOCAL (a health check of the balancer)', inet4([], 0x20)],
    ['v2 AF_UNSPEC', v2({ familyTransport: 0x00 })],
  ])('%s: the socket own peer, as the specification says', async (_, header) => {
    const { port: listening } = await start(TRUST_LOOPBACK)
    const result = await wire(listening, [header, GET])
    expect(bodyOf(result.received)).toBe(`127.0.0.1 ${result.local.port}`)
  })

  test('a header arriving one byte at a time, then keep-alive requests: every request sees the source', async () => {
    const { port: listening } = await start(TRUST_LOOPBACK)
    const header = inet4(tlv(0x02, [...Buffer.from('example.com')]))
    const bytes = [...header].map(b => Buffer.from([b]))
    const keep = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'
    const result = await wire(listening, [...bytes, keep, GET], { gapMs: 1 })
    const text = result.received.toString('latin1')
    expect(text.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2)
    expect(text.match(/192\.0\.2\.1 56324/g)).toHaveLength(2)
  })

  test('without the option: remotePort is the client socket port on a plain listener', async () => {
    const { port: listening } = await start({})
    const result = await wire(listening, [GET])
    expect(bodyOf(result.received)).toBe(`127.0.0.1 ${result.local.port}`)
  })

  test('without the option a PROXY header is not special: the parser refuses it as HTTP (400)', async () => {
    const { port: listening } = await start({})
    const result = await wire(listening, ['PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n', GET])
    expect(result.received.toString('latin1')).toMatch(/^HTTP\/1\.1 400 /)
  })
})

describe('a listener with the PROXY protocol: bad input closes with nothing written, the next connection is fine', () => {
  const tooBigTlv = inet4(tlv(0xe0, new Array<number>(2046).fill(1)))
  test.each<[string, Array<Buffer | string>, boolean]>([
    ['no header at all (a plain request)', [GET], false],
    ['a TLS ClientHello first', [Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5])], false],
    ['malformed v1 (a bad address)', ['PROXY TCP4 192.0.2.300 198.51.100.2 56324 443\r\n', GET], false],
    ['malformed v1 (no CRLF in 107 bytes)', [`PROXY UNKNOWN ${'x'.repeat(120)}`], false],
    ['malformed v2 (version 3)', [v2({ versionCommand: 0x31 }), GET], false],
    ['malformed v2 (a TLV running past the header)', [inet4([0x04, 0x00, 0x09, 1]), GET], false],
    ['a v2 TLV block over the limit (announced in the fixed part)', [tooBigTlv.subarray(0, 16)], false],
    ['a v2 TLV block over the limit (sent whole)', [tooBigTlv, GET], false],
    ['a v1 header truncated by the client', ['PROXY TCP4 192.0.2.1 198.'], true],
    ['a v2 header truncated by the client', [inet4().subarray(0, 20)], true],
    ['a connection closed before any byte', [], true],
  ])('%s', async (_, chunks, end) => {
    const { app, port: listening } = await start(TRUST_LOOPBACK)
    const bad = await wire(listening, chunks, { end })
    expect(bad.closed).toBe(true)
    expect(bad.received.length).toBe(0)
    const good = await wire(listening, ['PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n', GET])
    expect(bodyOf(good.received)).toBe('192.0.2.1 56324')
    expect(app.handshakes.size).toBe(0)
  })

  test('a peer that is not trusted is closed before it sends anything, even with a valid header', async () => {
    const { port: listening } = await start({ proxyProtocol: { trusted: '10.0.0.0/8' } })
    const silent = await wire(listening, [])
    expect(silent).toMatchObject({ closed: true, received: Buffer.alloc(0) })
    const withHeader = await wire(listening, ['PROXY TCP4 10.0.0.1 10.0.0.2 1 2\r\n', GET])
    expect(withHeader).toMatchObject({ closed: true, received: Buffer.alloc(0) })
  })

  test('a header that never finishes within the time limit (headersTimeout by default)', async () => {
    const { port: listening } = await start(TRUST_LOOPBACK, { headersTimeout: 300 })
    const slow = await wire(listening, ['PROXY TCP4 192.0.2.1'], { timeoutMs: 5000 })
    expect(slow).toMatchObject({ closed: true, received: Buffer.alloc(0) })
    const silent = await wire(listening, [], { timeoutMs: 5000 })
    expect(silent).toMatchObject({ closed: true, received: Buffer.alloc(0) })
    const good = await wire(listening, ['PROXY UNKNOWN\r\n', GET])
    expect(bodyOf(good.received)).toMatch(/^127\.0\.0\.1 \d+$/)
  })

  test('its own timeout option wins over headersTimeout', async () => {
    const { port: listening } = await start({ proxyProtocol: { trusted: '127.0.0.1', timeout: 200 } }, { headersTimeout: 60_000 })
    const slow = await wire(listening, [], { timeoutMs: 5000 })
    expect(slow).toMatchObject({ closed: true, received: Buffer.alloc(0) })
  })

  test('no descriptor leaks: 60 refused connections leave the open descriptors as they were', async () => {
    const { app, port: listening } = await start(TRUST_LOOPBACK)
    await wire(listening, ['PROXY UNKNOWN\r\n', GET]) // warm up whatever the first connection opens
    const before = openFds()
    const inputs: Array<Array<Buffer | string>> = [[GET], ['PROXY TCP4 1.2.3.4\n'], [inet4([0x04])], [v2({ versionCommand: 0x2f })]]
    for (let round = 0; round < 15; round++) {
      await Promise.all(inputs.map(chunks => wire(listening, chunks)))
    }
    await Promise.all([wire(listening, ['PROXY TCP4 1.2.'], { end: true }), wire(listening, [], { end: true })])
    for (let i = 0; i < 50 && openFds() > before; i++) await new Promise(r => setTimeout(r, 20))
    expect(openFds()).toBeLessThanOrEqual(before)
    expect(app.connectionCount).toBe(0)
    expect(app.handshakes.size).toBe(0)
  })

  test('app.close() destroys connections still reading their header', async () => {
    const { app, port: listening } = await start(TRUST_LOOPBACK, { headersTimeout: 60_000 })
    const pending = wire(listening, ['PROXY TCP4 192'], { timeoutMs: 5000 })
    for (let i = 0; i < 100 && app.handshakes.size === 0; i++) await new Promise(r => setTimeout(r, 10))
    expect(app.handshakes.size).toBe(1)
    await app.close(100)
    expect(await pending).toMatchObject({ closed: true, received: Buffer.alloc(0) })
  })

  test('bad options are refused when listening', async () => {
    const app = createApp()
    apps.push(app)
    expect(() => app.listen(0, '127.0.0.1', { proxyProtocol: { trusted: '10.0.0.1/8' } })).toThrow(/host bits/)
    expect(() => app.listen(0, '127.0.0.1', { proxyProtocol: {} as never })).toThrow(/trusted is required/)
    expect(() => app.listen(0, '127.0.0.1', { proxyProtocol: { trusted: '127.0.0.1', maxTlvBytes: -1 } })).toThrow(/maxTlvBytes/)
    expect(() => app.listen(0, '127.0.0.1', { proxyProtocol: { trusted: '127.0.0.1', timeout: 0 } })).toThrow(/timeout/)
    expect(app.servers.size).toBe(0)
  })
})

describe('trustProxy: Forwarded / X-Forwarded-For over the wire', () => {
  const request = (fields: string): string => `GET / HTTP/1.1\r\nHost: x\r\n${fields}Connection: close\r\n\r\n`

  test('never read by default', async () => {
    const { port: listening } = await start({})
    const result = await wire(listening, [request('X-Forwarded-For: 198.51.100.1\r\nForwarded: for=198.51.100.2\r\n')])
    expect(bodyOf(result.received)).toBe(`127.0.0.1 ${result.local.port}`)
  })

  test('read when the peer is trusted: the right-most untrusted address', async () => {
    const { port: listening } = await start({}, { trustProxy: '127.0.0.1' })
    const xff = await wire(listening, [request('X-Forwarded-For: 6.6.6.6, 198.51.100.1, 127.0.0.1\r\n')])
    expect(bodyOf(xff.received)).toBe('198.51.100.1 undefined')
    const fwd = await wire(listening, [request('Forwarded: for="[2001:db8::17]:4711"\r\n')])
    expect(bodyOf(fwd.received)).toBe('2001:db8::17 4711')
  })

  test('ignored when the peer is not trusted', async () => {
    const { port: listening } = await start({}, { trustProxy: '10.0.0.0/8' })
    const result = await wire(listening, [request('X-Forwarded-For: 198.51.100.1\r\n')])
    expect(bodyOf(result.received)).toBe(`127.0.0.1 ${result.local.port}`)
  })

  test('behind a PROXY header, the header source is the direct peer that must be trusted', async () => {
    const { port: listening } = await start(TRUST_LOOPBACK, { trustProxy: '192.0.2.0/24' })
    const trusted = await wire(listening, ['PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n', request('X-Forwarded-For: 203.0.113.5\r\n')])
    expect(bodyOf(trusted.received)).toBe('203.0.113.5 undefined')
    const untrusted = await wire(listening, ['PROXY TCP4 203.0.113.9 198.51.100.2 1 443\r\n', request('X-Forwarded-For: 203.0.113.5\r\n')])
    expect(bodyOf(untrusted.received)).toBe('203.0.113.9 1')
  })

  test('a bad list is refused at createApp', () => {
    expect(() => createApp({ trustProxy: '10.0.0.0/40' })).toThrow(/invalid CIDR "10.0.0.0\/40"/)
  })
})
