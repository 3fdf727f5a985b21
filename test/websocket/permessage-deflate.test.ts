import { deflateRawSync, inflateRawSync, constants } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { OPCODE, websocket, type PerMessageDeflateOptions } from 'tinyhttp-websocket'
import { closeAll, serve } from '../helpers/serve.js'
import { closed, nextMessage, openClient, payload } from './helpers.js'
import { RawWs } from './raw-ws.js'

afterEach(closeAll)

/** An echo server with permessage-deflate on; records close codes. */
async function deflateEcho(perMessageDeflate: boolean | PerMessageDeflateOptions = { threshold: 0 }, maxPayload = 16 * 1024 * 1024) {
  const closes: number[] = []
  const served = await serve(
    websocket({ path: '/echo', maxPayload, perMessageDeflate }, ws => {
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }))
      ws.on('close', code => closes.push(code))
    }),
  )
  return { ...served, closes }
}

/** Compresses a message as a client does (RFC 7692 §7.2.1: sync flush, trailer removed). */
function compressMessage(data: Buffer): Buffer {
  const out = deflateRawSync(data, { finishFlush: constants.Z_SYNC_FLUSH })
  return out.subarray(0, out.length - 4)
}

describe('permessage-deflate through the ws package', () => {
  const variants: Array<[string, Record<string, unknown>]> = [
    ['with context takeover', { threshold: 0 }],
    ['without context takeover', { threshold: 0, serverNoContextTakeover: true, clientNoContextTakeover: true }],
    ['with small windows', { threshold: 0, serverMaxWindowBits: 10, clientMaxWindowBits: 10 }],
  ]
  for (const [name, clientOptions] of variants) {
    it.each([0, 125, 126, 64 * 1024, 16 * 1024 * 1024])(`${name}: %i bytes of text and binary come back`, async size => {
      const { port } = await deflateEcho()
      const client = await openClient(port, '/echo', { perMessageDeflate: clientOptions })
      expect(client.extensions).toContain('permessage-deflate')
      for (const text of [true, false]) {
        const sent = payload(size, text)
        client.send(text ? sent.toString() : sent, { binary: !text })
        const got = await nextMessage(client)
        expect([got.isBinary, got.data.length, got.data.equals(sent)]).toEqual([!text, size, true])
      }
      // A second message reuses (or resets) the contexts.
      client.send('again, again, again, again')
      expect((await nextMessage(client)).data.toString()).toBe('again, again, again, again')
      client.close(1000)
      expect((await closed(client)).code).toBe(1000)
    })
  }

  it('fragmented compressed messages from the client are inflated frame by frame', async () => {
    const { port } = await deflateEcho()
    const client = await openClient(port, '/echo', { perMessageDeflate: { threshold: 0 } })
    client.send('part one, ', { fin: false })
    client.send('part two, ', { fin: false })
    client.send('the end', { fin: true })
    expect((await nextMessage(client)).data.toString()).toBe('part one, part two, the end')
    client.terminate()
  })

  it('not negotiated when the server has it off, or the client does not offer it', async () => {
    const off = await serve(websocket({ path: '/echo' }, () => {}))
    const a = await openClient(off.port, '/echo', { perMessageDeflate: {} })
    expect(a.extensions).toBe('')
    a.terminate()
    const { port } = await deflateEcho()
    const b = await openClient(port, '/echo', { perMessageDeflate: false })
    expect(b.extensions).toBe('')
    b.send('plain')
    expect((await nextMessage(b)).data.toString()).toBe('plain')
    b.terminate()
  })
})

describe('permessage-deflate on the wire (raw client)', () => {
  const OFFER = 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n'

  it('the 101 names the extension; server frames carry RSV1 on the first frame only and inflate to the message', async () => {
    const { port } = await deflateEcho({ threshold: 0 })
    const ws = await RawWs.upgrade(port, '/echo', OFFER)
    expect(ws.head).toMatch(/\r\nSec-WebSocket-Extensions: permessage-deflate\r\n/)
    const message = Buffer.from('compress me '.repeat(100))
    ws.send(OPCODE.TEXT, compressMessage(message), { rsv1: true })
    const frame = await ws.frame()
    expect(frame).toMatchObject({ fin: true, rsv: 0b100, opcode: OPCODE.TEXT, masked: false })
    expect(frame!.payload.length).toBeLessThan(message.length / 10)
    expect(inflateRawSync(Buffer.concat([frame!.payload, Buffer.from([0, 0, 0xff, 0xff])]), { finishFlush: constants.Z_SYNC_FLUSH })).toEqual(message)
    ws.close()
  })

  it('below the threshold a message goes uncompressed (RSV1 clear)', async () => {
    const { port } = await deflateEcho({ threshold: 1024 })
    const ws = await RawWs.upgrade(port, '/echo', OFFER)
    ws.send(OPCODE.TEXT, compressMessage(Buffer.from('short')), { rsv1: true })
    const frame = await ws.frame()
    expect([frame?.rsv, frame?.payload.toString()]).toEqual([0, 'short'])
    ws.close()
  })

  it('RSV1 on a continuation frame → 1002', async () => {
    const { port, closes } = await deflateEcho()
    const ws = await RawWs.upgrade(port, '/echo', OFFER)
    ws.send(OPCODE.TEXT, compressMessage(Buffer.from('a')), { rsv1: true, fin: false })
    ws.send(OPCODE.CONTINUATION, Buffer.from([0]), { rsv1: true })
    expect((await ws.closeFrame())?.code).toBe(1002)
    await expect.poll(() => closes).toEqual([1002])
  })

  it('a zip bomb: 1 GiB of zeros in ~1 MiB of DEFLATE → 1009, no out-of-memory', { timeout: 60_000 }, async () => {
    const { port, closes } = await deflateEcho({ threshold: 0 }, 1024 * 1024)
    const ws = await RawWs.upgrade(port, '/echo', OFFER)
    // 64 MiB of zeros compresses to ~64 KiB; sent 16 times as one fragmented message (1 GiB inflated).
    // Each fragment is a whole sync-flushed piece (it ends byte-aligned, 00 00 ff ff kept), so they chain.
    const chunk = deflateRawSync(Buffer.alloc(64 * 1024 * 1024), { finishFlush: constants.Z_SYNC_FLUSH })
    expect(chunk.length).toBeLessThan(128 * 1024)
    const before = process.memoryUsage().rss
    ws.send(OPCODE.BINARY, chunk, { rsv1: true, fin: false })
    for (let i = 0; i < 15; i++) ws.send(OPCODE.CONTINUATION, chunk, { fin: false })
    expect((await ws.closeFrame(30_000))?.code).toBe(1009)
    await expect.poll(() => closes).toEqual([1009])
    expect((process.memoryUsage().rss - before) / 1024 / 1024).toBeLessThan(200)
  })

  it('a compressed text message that inflates to invalid UTF-8 → 1007', async () => {
    const { port, closes } = await deflateEcho()
    const ws = await RawWs.upgrade(port, '/echo', OFFER)
    ws.send(OPCODE.TEXT, compressMessage(Buffer.from([0x61, 0xff, 0x62])), { rsv1: true })
    expect((await ws.closeFrame())?.code).toBe(1007)
    await expect.poll(() => closes).toEqual([1007])
  })

  it('bytes that are not DEFLATE → 1007', async () => {
    const { port } = await deflateEcho()
    const ws = await RawWs.upgrade(port, '/echo', OFFER)
    ws.send(OPCODE.BINARY, Buffer.from([0xff, 0xff, 0xff, 0xff]), { rsv1: true })
    expect((await ws.closeFrame())?.code).toBe(1007)
  })

  it('a close frame right behind a message whose echo is still in zlib: the echo, then the close reply, then the FIN', async () => {
    const { encodeFrame } = await import('tinyhttp-websocket')
    const { port, closes } = await deflateEcho({ threshold: 0 })
    const ws = await RawWs.upgrade(port, '/echo', OFFER)
    const message = Buffer.from('echo me before closing '.repeat(2000))
    const close = Buffer.from([0x03, 0xe8])
    ws.write(Buffer.concat([encodeFrame(OPCODE.TEXT, compressMessage(message), { rsv1: true, mask: true }), encodeFrame(OPCODE.CLOSE, close, { mask: true })]))
    const echo = await ws.frame()
    expect(echo?.rsv).toBe(0b100)
    expect(inflateRawSync(Buffer.concat([echo!.payload, Buffer.from([0, 0, 0xff, 0xff])]), { finishFlush: constants.Z_SYNC_FLUSH })).toEqual(message)
    expect(await ws.closeFrame()).toEqual({ code: 1000, reason: '' })
    expect(await ws.waitForEnd(3000)).toBe(true)
    await expect.poll(() => closes).toEqual([1000])
  })

  it('messages keep their order when an uncompressed one follows a compressed one', async () => {
    const got: string[] = []
    const { port } = await serve(
      websocket({ path: '/echo', perMessageDeflate: { threshold: 0 } }, ws => {
        ws.on('message', data => got.push(data.toString()))
      }),
    )
    const ws = await RawWs.upgrade(port, '/echo', OFFER)
    const big = 'x'.repeat(200_000)
    ws.write(
      Buffer.concat([
        (await import('tinyhttp-websocket')).encodeFrame(OPCODE.TEXT, compressMessage(Buffer.from(big)), { rsv1: true, mask: true }),
        (await import('tinyhttp-websocket')).encodeFrame(OPCODE.TEXT, Buffer.from('plain after'), { mask: true }),
      ]),
    )
    await expect.poll(() => got.length).toBe(2)
    expect(got.map(m => m.slice(0, 11))).toEqual(['xxxxxxxxxxx', 'plain after'])
    ws.close()
  })
})

describe('broadcast with permessage-deflate: compressed once', () => {
  it('recipients without server context takeover share one compressed frame (RSV1); the others get it uncompressed; all read the same message, in order', async () => {
    const { broadcast } = await import('tinyhttp-websocket')
    const mw = websocket({ path: '/echo', perMessageDeflate: { threshold: 0 } }, () => {})
    const { port } = await serve(mw)
    const resetting = await RawWs.upgrade(port, '/echo', 'Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n')
    const keeping = await RawWs.upgrade(port, '/echo', 'Sec-WebSocket-Extensions: permessage-deflate\r\n')
    const viaWs = await openClient(port, '/echo', { perMessageDeflate: { serverNoContextTakeover: true, threshold: 0 } })
    await expect.poll(() => mw.clients.size).toBe(3)
    const message = 'the same news for everyone '.repeat(50)
    const gotByWs: string[] = []
    viaWs.on('message', data => gotByWs.push(data.toString()))
    expect(broadcast(mw.clients, message)).toBe(3)
    // Sent right after the broadcast: must not overtake it while it is being compressed.
    for (const ws of mw.clients) ws.send('next', { compress: false })
    const shared = await resetting.frame()
    expect(shared?.rsv).toBe(0b100)
    expect(shared!.payload.length).toBeLessThan(message.length / 5)
    expect(inflateRawSync(Buffer.concat([shared!.payload, Buffer.from([0, 0, 0xff, 0xff])]), { finishFlush: constants.Z_SYNC_FLUSH }).toString()).toBe(message)
    expect((await resetting.frame())?.payload.toString()).toBe('next')
    const plain = await keeping.frame()
    expect([plain?.rsv, plain?.payload.toString()]).toEqual([0, message])
    expect((await keeping.frame())?.payload.toString()).toBe('next')
    await expect.poll(() => gotByWs).toEqual([message, 'next'])
    resetting.close()
    keeping.close()
    viaWs.terminate()
  })
})
