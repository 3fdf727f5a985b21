import zlib from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { DeflateError, MessageDeflate, negotiateDeflate } from '../../packages/websocket/src/deflate/index.js'
import { fragment, inflatePlain, mirror, params, text, TRAILER, ZlibSender } from './deflate-helpers.js'

const open: MessageDeflate[] = []
function make(...args: ConstructorParameters<typeof MessageDeflate>): MessageDeflate {
  const d = new MessageDeflate(...args)
  open.push(d)
  return d
}
afterEach(() => {
  for (const d of open.splice(0)) d.close()
})

async function rejection(p: Promise<unknown>): Promise<DeflateError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(DeflateError)
  return err as DeflateError
}

describe('MessageDeflate: compress', () => {
  it('strips the trailing 00 00 ff ff; the payload plus the trailer inflates to the message', async () => {
    const d = make(params())
    const message = text(5000)
    const payload = await d.compress(message)
    expect(payload.length).toBeLessThan(message.length / 2)
    expect(payload.subarray(-4).equals(TRAILER)).toBe(false)
    expect(inflatePlain(Buffer.concat([payload, TRAILER])).equals(message)).toBe(true)
  })

  it('sends an empty message as the single byte 00 (RFC 7692 §7.2.3.6), also several in a row', async () => {
    const d = make(params())
    const sent: Buffer[] = []
    for (let i = 0; i < 3; i++) {
      const payload = await d.compress(Buffer.alloc(0))
      expect([...payload]).toEqual([0x00])
      sent.push(payload, TRAILER)
    }
    const message = text(100)
    sent.push(await d.compress(message), TRAILER)
    expect(inflatePlain(Buffer.concat(sent)).equals(message)).toBe(true)
  })

  it('with context takeover, a repeated message refers back to the previous one', async () => {
    const d = make(params())
    const message = text(3000, 7)
    const first = await d.compress(message)
    const second = await d.compress(message)
    expect(second.length).toBeLessThan(first.length / 4)
    // only the stream as a whole inflates: the second message needs the first one's window
    expect(inflatePlain(Buffer.concat([first, TRAILER, second, TRAILER])).equals(Buffer.concat([message, message]))).toBe(true)
    expect(() => inflatePlain(Buffer.concat([second, TRAILER]))).toThrow()
  })

  it('with server_no_context_takeover, every message inflates alone', async () => {
    const d = make(params({ serverNoContextTakeover: true }))
    const message = text(3000, 7)
    const first = await d.compress(message)
    const second = await d.compress(message)
    expect(second.equals(first)).toBe(true)
    expect(inflatePlain(Buffer.concat([second, TRAILER])).equals(message)).toBe(true)
  })

  it.each([9, 10, 12, 15])('compresses within a %i-bit window (inflates with exactly that window)', async (bits) => {
    const d = make(params({ serverMaxWindowBits: bits }))
    const message = Buffer.concat([text(40_000, 3), text(40_000, 3)])
    const payload = await d.compress(message)
    expect(inflatePlain(Buffer.concat([payload, TRAILER]), bits).equals(message)).toBe(true)
  })

  it('keeps the order of messages sent without awaiting', async () => {
    const d = make(params())
    const messages = Array.from({ length: 50 }, (_, i) => text(100 + i * 37, i))
    const payloads = await Promise.all(messages.map((m) => d.compress(m)))
    const stream = Buffer.concat(payloads.flatMap((p) => [p, TRAILER]))
    expect(inflatePlain(stream).equals(Buffer.concat(messages))).toBe(true)
  })

  it('the threshold decides what is worth compressing', () => {
    expect(make(params()).shouldCompress(1023)).toBe(false)
    expect(make(params()).shouldCompress(1024)).toBe(true)
    expect(make(params(), { threshold: 0 }).shouldCompress(0)).toBe(true)
    expect(make(params(), { threshold: 100 }).shouldCompress(99)).toBe(false)
    const closed = make(params(), { threshold: 0 })
    closed.close()
    expect(closed.shouldCompress(10)).toBe(false)
  })
})

describe('MessageDeflate: decompress', () => {
  it('inflates a message cut into any frames, returning each frame’s part', async () => {
    const client = new ZlibSender(15, false)
    const d = make(params())
    const message = text(20_000, 5)
    const payload = await client.send(message)
    const frames = fragment(payload, [0.1, 0.5, 0.5, 0.9])
    const parts: Buffer[] = []
    for (const [i, frame] of frames.entries()) parts.push(await d.decompress(frame, i === frames.length - 1, 1 << 20))
    expect(Buffer.concat(parts).equals(message)).toBe(true)
    client.close()
  })

  it('keeps the client’s context between messages, unless client_no_context_takeover was agreed', async () => {
    const message = text(3000, 9)
    const client = new ZlibSender(15, false)
    const first = await client.send(message)
    const second = await client.send(message) // refers back to the first message
    client.close()

    const takeover = make(params())
    expect((await takeover.decompress(first, true, 1 << 20)).equals(message)).toBe(true)
    expect((await takeover.decompress(second, true, 1 << 20)).equals(message)).toBe(true)

    // With no takeover agreed the inflater forgets the first message, so a back-reference into it is invalid data.
    const reset = make(params({ clientNoContextTakeover: true }))
    expect((await reset.decompress(first, true, 1 << 20)).equals(message)).toBe(true)
    const err = await rejection(reset.decompress(second, true, 1 << 20))
    expect([err.kind, err.closeCode]).toEqual(['data', 1007])
  })

  it('reads a message ended by a BFINAL block, then the next message on a new stream', async () => {
    const d = make(params())
    const a = text(2000, 1)
    const b = text(2000, 2)
    expect((await d.decompress(zlib.deflateRawSync(a), true, 1 << 20)).equals(a)).toBe(true)
    expect((await d.decompress(zlib.deflateRawSync(b), true, 1 << 20)).equals(b)).toBe(true)
    const client = new ZlibSender(15, false)
    expect((await d.decompress(await client.send(a), true, 1 << 20)).equals(a)).toBe(true)
    client.close()
  })

  it('refuses bytes after the final block (1007)', async () => {
    const d = make(params())
    const err = await rejection(d.decompress(Buffer.concat([zlib.deflateRawSync(text(100)), Buffer.from([1, 2, 3])]), true, 1 << 20))
    expect([err.kind, err.closeCode]).toEqual(['data', 1007])
  })

  it('refuses a final block in a frame that is not the last (1007)', async () => {
    const d = make(params())
    const err = await rejection(d.decompress(Buffer.concat([zlib.deflateRawSync(text(100)), Buffer.from([0])]), false, 1 << 20))
    expect(err.kind).toBe('data')
  })

  it('inflates the single byte 00 to an empty message', async () => {
    const d = make(params())
    expect((await d.decompress(Buffer.from([0]), true, 0)).length).toBe(0)
  })

  it('invalid DEFLATE rejects with 1007 and closes the context', async () => {
    const d = make(params())
    const err = await rejection(d.decompress(Buffer.from([0xff, 0xff, 0xff, 0xff]), true, 1 << 20))
    expect([err.kind, err.closeCode]).toEqual(['data', 1007])
    expect(d.closed).toBe(true)
    expect((await rejection(d.decompress(Buffer.from([0]), true, 10))).kind).toBe('closed')
    expect((await rejection(d.compress(Buffer.from('x')))).kind).toBe('closed')
  })

  it('a message of exactly maxSize bytes passes; one byte more is a size error (1009)', async () => {
    const message = text(50_000, 4)
    const payload = zlib.deflateRawSync(message, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, -4)
    expect((await make(params()).decompress(payload, true, message.length)).equals(message)).toBe(true)
    const err = await rejection(make(params()).decompress(payload, true, message.length - 1))
    expect([err.kind, err.closeCode]).toEqual(['size', 1009])
  })

  it('counts the size over all frames of a message, and from zero again for the next one', async () => {
    const message = text(30_000, 6)
    const client = new ZlibSender(15, false)
    const frames = fragment(await client.send(message), [0.3, 0.6])
    const d = make(params())
    for (const [i, f] of frames.entries()) await d.decompress(f, i === frames.length - 1, 30_000)
    const again = fragment(await client.send(message), [0.5])
    await d.decompress(again[0]!, false, 30_000)
    expect((await d.decompress(again[1]!, true, 30_000)).length).toBeGreaterThan(0)
    const over = fragment(await client.send(message), [0.3, 0.6])
    await expect(
      (async () => {
        for (const [i, f] of over.entries()) await d.decompress(f, i === over.length - 1, 29_999)
      })(),
    ).rejects.toMatchObject({ kind: 'size', closeCode: 1009 })
    client.close()
  })

  it('a zip bomb (64 KiB → 64 MiB) rejects with a size error without holding the inflated bytes', async () => {
    const bomb = zlib.deflateRawSync(Buffer.alloc(64 << 20), { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, -4)
    expect(bomb.length).toBeLessThan(128 << 10)
    globalThis.gc?.()
    const before = process.memoryUsage().arrayBuffers
    let peak = before
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 1)
    const d = make(params())
    const err = await rejection(d.decompress(bomb, true, 1 << 20))
    clearInterval(sampler)
    peak = Math.max(peak, process.memoryUsage().arrayBuffers)
    expect([err.kind, err.closeCode]).toEqual(['size', 1009])
    expect(peak - before).toBeLessThan(16 << 20)
    expect(d.closed).toBe(true)
  })

  it('a zip bomb spread over many small frames is stopped the same way', async () => {
    const bomb = zlib.deflateRawSync(Buffer.alloc(16 << 20), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, -4)
    const frames = fragment(bomb, Array.from({ length: 63 }, (_, i) => (i + 1) / 64))
    const d = make(params())
    let inflated = 0
    const run = async (): Promise<void> => {
      for (const [i, f] of frames.entries()) inflated += (await d.decompress(f, i === frames.length - 1, 1 << 20)).length
    }
    await expect(run()).rejects.toMatchObject({ kind: 'size' })
    expect(inflated).toBeLessThanOrEqual(1 << 20)
  })
})

describe('MessageDeflate: close', () => {
  it('rejects work in flight and queued with a closed error', async () => {
    const d = make(params())
    const pending = [d.compress(text(1 << 20)), d.compress(text(1000)), d.decompress(zlib.deflateRawSync(text(1 << 20)), true, 1 << 22)]
    d.close()
    d.close()
    for (const p of pending) expect((await rejection(p)).kind).toBe('closed')
  })

  it('works end to end with the parameters negotiateDeflate agreed', async () => {
    const agreed = negotiateDeflate('permessage-deflate; client_max_window_bits; server_max_window_bits=10')!
    const server = make(agreed.params)
    const client = make(mirror(agreed.params))
    const message = text(10_000)
    expect((await client.decompress(await server.compress(message), true, 1 << 20)).equals(message)).toBe(true)
    expect((await server.decompress(await client.compress(message), true, 1 << 20)).equals(message)).toBe(true)
  })
})
