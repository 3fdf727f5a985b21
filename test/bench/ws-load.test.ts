// bench/ws's load generator (bench/ws/wsload.c) tells a right echo from a wrong one: nobody wins the
// WebSocket benchmark by answering wrong. Servers made here with the `ws` package: a correct echo, one that
// flips a byte, one that answers binary for text, one that closes; a broadcast to every client; idle
// connections held open. No timing is asserted: only the counts wsload reports.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'

const SOURCE = fileURLToPath(new URL('../../bench/ws/wsload.c', import.meta.url))
const HAS_CC = (() => {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

interface LoadResult {
  messages: number
  opened: number
  errors: Record<'connect' | 'handshake' | 'read' | 'closed' | 'mismatch' | 'timeout', number>
}

let dir = ''
let bin = ''
/** wsload built with zlib (-DWSLOAD_ZLIB -lz), or '' where zlib.h / libz are missing. */
let zbin = ''
const servers: WebSocketServer[] = []

/** Runs wsload to completion and parses its BENCHJSON line. */
function wsload(args: Array<string | number>, program = bin): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args.map(String), { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.once('error', reject)
    child.once('close', () => {
      const line = out.split('\n').find((l) => l.startsWith('BENCHJSON '))
      if (line === undefined) reject(new Error(`no result: ${out}`))
      else resolve(JSON.parse(line.slice(10)) as LoadResult)
    })
  })
}

/** A `ws` server on 127.0.0.1:0 whose sockets get `onMessage`. */
async function server(onMessage: (ws: WebSocket, data: Buffer, isBinary: boolean, wss: WebSocketServer) => void, perMessageDeflate = false): Promise<number> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate })
  servers.push(wss)
  wss.on('connection', (ws) => ws.on('message', (data: Buffer, isBinary: boolean) => onMessage(ws, data, isBinary, wss)))
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()))
  return (wss.address() as AddressInfo).port
}

const total = (r: LoadResult): number => Object.values(r.errors).reduce((a, b) => a + b, 0)

describe.skipIf(!HAS_CC)('bench/ws wsload', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wsload-'))
    bin = join(dir, 'wsload')
    execFileSync('cc', ['-O2', '-o', bin, SOURCE])
    try {
      execFileSync('cc', ['-O2', '-DWSLOAD_ZLIB', '-o', join(dir, 'wsload-z'), SOURCE, '-lz'], { stdio: 'ignore' })
      zbin = join(dir, 'wsload-z')
    } catch {
      zbin = ''
    }
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  afterEach(async () => {
    for (const wss of servers.splice(0)) {
      for (const c of wss.clients) c.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    }
  })

  it.each([
    [1, 32],
    [8, 16384],
    [2, 0],
    [2, 70_000],
  ])('counts the round trips of a correct echo (%i connections, %i B) with no error', async (conns, size) => {
    const port = await server((ws, data, isBinary) => ws.send(data, { binary: isBinary }))
    const r = await wsload(['echo', port, '/', conns, 0.3, size, 'text'])
    expect(r.opened).toBe(conns)
    expect(r.messages).toBeGreaterThan(0)
    expect(total(r)).toBe(0)
  })

  it.each([
    ['a changed byte', (ws: WebSocket, data: Buffer) => ws.send(Buffer.concat([data.subarray(0, 31), Buffer.from('!')]), { binary: false })],
    ['a shorter message', (ws: WebSocket, data: Buffer) => ws.send(data.subarray(1), { binary: false })],
    ['binary for text', (ws: WebSocket, data: Buffer) => ws.send(data, { binary: true })],
  ])('counts %s as a mismatch, not a message', async (_name, answer) => {
    const port = await server((ws, data) => answer(ws, data))
    const r = await wsload(['echo', port, '/', 2, 0.3, 32, 'text'])
    expect(r.messages).toBe(0)
    expect(r.errors.mismatch).toBe(2)
  })

  it('counts a close as an error', async () => {
    const port = await server((ws) => ws.close(1000))
    const r = await wsload(['echo', port, '/', 3, 0.3, 32])
    expect(r.messages).toBe(0)
    expect(r.errors.closed).toBe(3)
  })

  it('counts a refused upgrade as a handshake error', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', verifyClient: () => false })
    servers.push(wss)
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()))
    const r = await wsload(['echo', (wss.address() as AddressInfo).port, '/', 2, 0.3, 32])
    expect(r.opened).toBe(0)
    expect(r.errors.handshake).toBe(2)
  })

  it('a broadcast counts once every client has the message; a loop that skips one client counts none', async () => {
    const all = await server((_ws, data, isBinary, wss) => {
      for (const c of wss.clients) c.send(data, { binary: isBinary })
    })
    const good = await wsload(['broadcast', all, '/', 20, 0.3, 32])
    expect(good.opened).toBe(20)
    expect(good.messages).toBeGreaterThan(0)
    expect(total(good)).toBe(0)
    const partial = await server((ws, data, isBinary, wss) => {
      for (const c of wss.clients) if (c !== ws) c.send(data, { binary: isBinary })
    })
    const bad = await wsload(['broadcast', partial, '/', 20, 0.3, 32])
    expect(bad.messages).toBe(0)
  })

  it('holds idle connections open and says when they are all upgraded', async () => {
    let connected = 0
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
    servers.push(wss)
    wss.on('connection', () => connected++)
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()))
    const child = spawn(bin, ['idle', String((wss.address() as AddressInfo).port), '/', '50', '0.5'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    await new Promise((resolve) => child.once('close', resolve))
    expect(out).toMatch(/^READY 50$/m)
    expect(connected).toBe(50)
    expect(JSON.parse(out.split('BENCHJSON ')[1]!)).toMatchObject({ opened: 50, errors: { closed: 0, connect: 0 } })
  })

  it('-deflate: a compressed echo counts, the answer inflated and compared; a server that does not agree is a handshake error', async (ctx) => {
    if (zbin === '') ctx.skip() // no zlib.h / libz here: run.mjs skips the compressed scenario the same way
    const echo = (ws: WebSocket, data: Buffer, isBinary: boolean): void => ws.send(data, { binary: isBinary })
    const compressing = await server(echo, true)
    for (const size of [16384, 32]) {
      const r = await wsload(['echo', compressing, '/', 4, 0.3, size, 'text-deflate'], zbin)
      expect(r.messages).toBeGreaterThan(0)
      expect(total(r)).toBe(0)
    }
    const wrong = await server((ws, data) => ws.send(Buffer.concat([data, Buffer.from('!')]), { binary: false }), true)
    expect((await wsload(['echo', wrong, '/', 2, 0.3, 16384, 'text-deflate'], zbin)).errors.mismatch).toBe(2)
    const plain = await server(echo, false)
    const refused = await wsload(['echo', plain, '/', 2, 0.3, 16384, 'text-deflate'], zbin)
    expect([refused.messages, refused.errors.handshake]).toEqual([0, 2])
  })
})
