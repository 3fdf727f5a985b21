import { afterEach, describe, expect, it } from 'vitest'
import type { Context } from 'tinyhttp-core'
import { acceptKey, websocket, type WebSocketOptions } from 'tinyhttp-websocket'
import { closeAll, serve } from '../helpers/serve.js'
import { RawWs } from './raw-ws.js'

afterEach(closeAll)

const KEY = 'dGhlIHNhbXBsZSBub25jZQ=='
const BASE: Record<string, string> = {
  Host: '127.0.0.1',
  Upgrade: 'websocket',
  Connection: 'Upgrade',
  'Sec-WebSocket-Key': KEY,
  'Sec-WebSocket-Version': '13',
}

/** A request from a base handshake with fields replaced (`null` removes one) and extra lines appended. */
function request(changes: Record<string, string | null> = {}, { method = 'GET', version = '1.1', path = '/ws', extra = '' } = {}): string {
  const fields = { ...BASE, ...changes }
  const lines = Object.entries(fields)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')
  return `${method} ${path} HTTP/${version}\r\n${lines}${extra}\r\n`
}

/** The response head's fields: lower-cased name → values. */
function fields(head: string): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const line of head.split('\r\n').slice(1)) {
    const i = line.indexOf(':')
    const name = line.slice(0, i).toLowerCase()
    map.set(name, [...(map.get(name) ?? []), line.slice(i + 1).trim()])
  }
  return map
}

async function app(options: Partial<WebSocketOptions> = {}) {
  const reasons: Array<string | undefined> = []
  const served = await serve([
    async (ctx: Context, next: () => Promise<void>) => {
      await next()
      reasons.push(ctx.res.reason)
    },
    websocket({ path: '/ws', ...options }, ws => {
      ws.on('message', data => ws.send(data))
    }),
  ])
  return { ...served, reasons }
}

describe('opening handshake (RFC 6455 §4.2)', () => {
  it('answers 101 with exactly Upgrade, Connection and the Sec-WebSocket-Accept of RFC 6455 §1.3', async () => {
    const { port } = await app()
    const ws = await RawWs.open(port, request())
    expect(ws.head).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/)
    const f = fields(ws.head)
    expect(f.get('upgrade')).toEqual(['websocket'])
    expect(f.get('connection')).toEqual(['upgrade'])
    expect(f.get('sec-websocket-accept')).toEqual(['s3pPLMBiTxaQ9kYGzzhZRbK+xOo='])
    expect(f.has('sec-websocket-protocol')).toBe(false)
    expect(f.has('sec-websocket-extensions')).toBe(false)
    expect(f.has('content-length')).toBe(false)
    ws.close()
  })

  it('acceptKey is the RFC sample', () => {
    expect(acceptKey(KEY)).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=')
  })

  it('Upgrade and Connection are matched case-insensitively, within lists', async () => {
    const { port } = await app()
    const ws = await RawWs.open(port, request({ Upgrade: 'WebSocket', Connection: 'keep-alive, UPGRADE' }))
    expect(ws.status).toBe(101)
    ws.close()
  })

  it.each([
    ['POST', request({}, { method: 'POST' }), 'reject:ws-method'],
    ['HEAD', request({}, { method: 'HEAD' }), 'reject:ws-method'],
    ['HTTP/1.0', request({}, { version: '1.0' }), 'reject:ws-http-version'],
    ['a body', request({ 'Content-Length': '5' }).replace(/\r\n\r\n$/, '\r\n\r\nhello'), 'reject:ws-body'],
    ['no Upgrade', request({ Upgrade: null }), 'reject:ws-upgrade'],
    ['Upgrade: h2c', request({ Upgrade: 'h2c' }), 'reject:ws-upgrade'],
    ['no Connection: upgrade', request({ Connection: 'keep-alive' }), 'reject:ws-connection'],
    ['no key', request({ 'Sec-WebSocket-Key': null }), 'reject:ws-key'],
    ['a key of 15 bytes', request({ 'Sec-WebSocket-Key': Buffer.alloc(15).toString('base64') }), 'reject:ws-key'],
    ['a key of 17 bytes', request({ 'Sec-WebSocket-Key': Buffer.alloc(17).toString('base64') }), 'reject:ws-key'],
    ['a key that is not base64', request({ 'Sec-WebSocket-Key': '!!!!!!!!!!!!!!!!!!!!!!==' }), 'reject:ws-key'],
    ['two keys', request({}, { extra: `Sec-WebSocket-Key: ${KEY}\r\n` }), 'reject:ws-key'],
    ['a malformed subprotocol list', request({ 'Sec-WebSocket-Protocol': 'chat, , x' }), 'reject:ws-protocol'],
    ['a duplicated subprotocol', request({ 'Sec-WebSocket-Protocol': 'chat, chat' }), 'reject:ws-protocol'],
  ])('%s → 400 without a body, connection closed, never upgraded', async (_name, raw, reason) => {
    const { port, reasons } = await app()
    const ws = await RawWs.open(port, raw)
    expect(ws.status).toBe(400)
    const f = fields(ws.head)
    expect(f.get('connection')).toEqual(['close'])
    expect(f.has('sec-websocket-accept')).toBe(false)
    expect(f.get('content-length') ?? ['0']).toEqual(['0'])
    expect(await ws.waitForEnd(3000)).toBe(true)
    expect(reasons).toEqual([reason])
  })

  it.each([
    ['version 8', request({ 'Sec-WebSocket-Version': '8' })],
    ['version 14', request({ 'Sec-WebSocket-Version': '14' })],
    ['no version', request({ 'Sec-WebSocket-Version': null })],
  ])('%s → 426 with Sec-WebSocket-Version: 13', async (_name, raw) => {
    const { port, reasons } = await app()
    const ws = await RawWs.open(port, raw)
    expect(ws.status).toBe(426)
    expect(fields(ws.head).get('sec-websocket-version')).toEqual(['13'])
    expect(await ws.waitForEnd(3000)).toBe(true)
    expect(reasons).toEqual(['reject:ws-version'])
  })

  it('another path goes on down the chain', async () => {
    const { port } = await app()
    const ws = await RawWs.open(port, request({}, { path: '/other' }))
    expect(ws.status).toBe(404)
    ws.close()
  })
})

describe('Origin policy (stricter than ws)', () => {
  it.each([
    ['no Origin (not a browser)', {}, null, 101],
    ['same origin', {}, 'http://127.0.0.1', 101],
    ['same origin, default port written in Host', { Host: 'example.com:80' }, 'http://example.com', 101],
    ['same origin with a port', { Host: 'localhost:8080' }, 'http://localhost:8080', 101],
    ['same host, another port', { Host: 'localhost:8080' }, 'http://localhost:3000', 403],
    ['another site', {}, 'https://evil.example', 403],
    ['the opaque origin null', {}, 'null', 403],
    ['a listed origin', { origins: ['https://app.example'] }, 'https://app.example', 101],
    ['an origin not on the list', { origins: ['https://app.example'] }, 'https://app.example.evil', 403],
    ['any origin with *', { origins: ['*'] }, 'https://whoever.example', 101],
    ['a function that accepts', { origins: (o: string) => o.endsWith('.trusted.example') }, 'https://a.trusted.example', 101],
    ['a function that refuses', { origins: (o: string) => o.endsWith('.trusted.example') }, 'https://trusted.example.evil', 403],
  ] as Array<[string, Record<string, unknown>, string | null, number]>)('%s → %d', async (_name, setup, origin, status) => {
    const { origins, ...headers } = setup as { origins?: WebSocketOptions['origins'] } & Record<string, string>
    const { port, reasons } = await app(origins === undefined ? {} : { origins })
    const ws = await RawWs.open(port, request({ ...headers, ...(origin === null ? {} : { Origin: origin }) }))
    expect(ws.status).toBe(status)
    if (status === 403) expect(reasons).toEqual(['deny:ws-origin'])
    ws.close()
  })

  it('two Origin fields → 403', async () => {
    const { port } = await app({ origins: ['*'] })
    const ws = await RawWs.open(port, request({ Origin: 'http://127.0.0.1' }, { extra: 'Origin: http://127.0.0.1\r\n' }))
    expect(ws.status).toBe(403)
    ws.close()
  })

  it('a list entry that is not an origin is a TypeError at once', () => {
    expect(() => websocket({ origins: ['app.example'] }, () => {})).toThrow(TypeError)
    expect(() => websocket({ origins: ['https://app.example/path'] }, () => {})).toThrow(TypeError)
  })
})

describe('subprotocols, selected by the server', () => {
  it.each([
    ['the server preference wins', ['v2', 'v1'], 'v1, v2', 'v2'],
    ['the only common one', ['v2', 'v1'], 'x, v1', 'v1'],
    ['none in common: no header', ['v2'], 'x, y', null],
    ['none offered: no header', ['v2'], null, null],
  ] as Array<[string, string[], string | null, string | null]>)('%s', async (_name, protocols, offered, selected) => {
    let seen: string | null = null
    const { port } = await serve(websocket({ path: '/ws', protocols }, ws => {
        seen = ws.protocol
      }),
    )
    const ws = await RawWs.open(port, request(offered === null ? {} : { 'Sec-WebSocket-Protocol': offered }))
    expect(ws.status).toBe(101)
    expect(fields(ws.head).get('sec-websocket-protocol')).toEqual(selected === null ? undefined : [selected])
    await expect.poll(() => seen).toBe(selected ?? '')
    ws.close()
  })

  it('a function chooses from the offer', async () => {
    const { port } = await serve(websocket({ path: '/ws', protocols: offered => offered.find(p => p.startsWith('chat.')) }, () => {}))
    const ws = await RawWs.open(port, request({ 'Sec-WebSocket-Protocol': 'mqtt, chat.v3' }))
    expect(fields(ws.head).get('sec-websocket-protocol')).toEqual(['chat.v3'])
    ws.close()
  })
})
