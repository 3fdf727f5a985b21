import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { DeflateError, MessageDeflate, type DeflateParams } from '../../packages/websocket/src/deflate/index.js'
import { fragment, inflatePlain, mirror, text, TRAILER, ZlibSender } from './deflate-helpers.js'

const paramsArb: fc.Arbitrary<DeflateParams> = fc.record({
  serverNoContextTakeover: fc.boolean(),
  clientNoContextTakeover: fc.boolean(),
  serverMaxWindowBits: fc.integer({ min: 9, max: 15 }),
  clientMaxWindowBits: fc.integer({ min: 8, max: 15 }),
})

const messageArb = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a)),
  fc.tuple(fc.integer({ min: 0, max: 20_000 }), fc.nat()).map(([n, seed]) => text(n, seed)),
  fc.integer({ min: 0, max: 70_000 }).map((n) => Buffer.alloc(n, 0x61)),
)

const cutsArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 })

async function receive(d: MessageDeflate, payload: Buffer, cuts: readonly number[], maxSize = 1 << 20): Promise<Buffer> {
  const frames = fragment(payload, cuts)
  const parts: Buffer[] = []
  for (const [i, f] of frames.entries()) parts.push(await d.decompress(f, i === frames.length - 1, maxSize))
  return Buffer.concat(parts)
}

describe('permessage-deflate properties', () => {
  it('round-trips any messages with any agreed parameters, both ways, in any fragmentation', async () => {
    await fc.assert(
      fc.asyncProperty(paramsArb, fc.array(fc.tuple(messageArb, cutsArb), { minLength: 1, maxLength: 4 }), async (p, messages) => {
        const server = new MessageDeflate(p)
        const client = new MessageDeflate(mirror(p))
        try {
          for (const [message, cuts] of messages) {
            expect((await receive(client, await server.compress(message), cuts)).equals(message)).toBe(true)
            expect((await receive(server, await client.compress(message), cuts)).equals(message)).toBe(true)
          }
        } finally {
          server.close()
          client.close()
        }
      }),
      { numRuns: 60 },
    )
  })

  it('differential: what we send inflates with plain zlib in the agreed window, what plain zlib sends inflates with ours', async () => {
    await fc.assert(
      fc.asyncProperty(paramsArb, fc.array(messageArb, { minLength: 1, maxLength: 4 }), async (p, messages) => {
        const server = new MessageDeflate(p)
        // a plain zlib client, compressing with the window the server let it use (zlib's smallest is 9)
        const client = new ZlibSender(Math.max(9, p.clientMaxWindowBits), p.clientNoContextTakeover)
        try {
          const sent: Buffer[] = []
          for (const message of messages) {
            const payload = await server.compress(message)
            sent.push(payload, TRAILER)
            // without context takeover each message stands alone; with it, the stream so far does
            if (p.serverNoContextTakeover) expect(inflatePlain(Buffer.concat([payload, TRAILER]), p.serverMaxWindowBits).equals(message)).toBe(true)
            expect((await server.decompress(await client.send(message), true, 1 << 20)).equals(message)).toBe(true)
          }
          expect(inflatePlain(Buffer.concat(sent), p.serverMaxWindowBits).equals(Buffer.concat(messages))).toBe(true)
        } finally {
          server.close()
          client.close()
        }
      }),
      { numRuns: 60 },
    )
  })

  it('mutated compressed input resolves within the size cap or rejects with a DeflateError, nothing else', async () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 8 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    )
    await fc.assert(
      fc.asyncProperty(paramsArb, messageArb, fc.array(mutation, { minLength: 1, maxLength: 4 }), cutsArb, fc.integer({ min: 0, max: 80_000 }), async (p, message, mutations, cuts, cap) => {
        const client = new MessageDeflate(mirror(p))
        let payload = await client.compress(message)
        client.close()
        for (const m of mutations) {
          const at = payload.length === 0 ? 0 : m.at % payload.length
          if (m.kind === 'flip' && payload.length > 0) {
            payload = Buffer.from(payload)
            payload[at]! ^= m.bits
          } else if (m.kind === 'insert') payload = Buffer.concat([payload.subarray(0, at), m.bytes, payload.subarray(at)])
          else if (m.kind === 'delete') payload = Buffer.concat([payload.subarray(0, at), payload.subarray(at + m.n)])
          else if (m.kind === 'truncate') payload = payload.subarray(0, at)
        }
        const server = new MessageDeflate(p)
        try {
          const out = await receive(server, payload, cuts, cap)
          expect(out.length).toBeLessThanOrEqual(cap)
        } catch (err) {
          expect(err).toBeInstanceOf(DeflateError)
        } finally {
          server.close()
        }
      }),
      { numRuns: 300 },
    )
  })

  it('random bytes as a compressed message never throw anything but a DeflateError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.boolean(), async (bytes, fin) => {
        const server = new MessageDeflate({ serverNoContextTakeover: false, clientNoContextTakeover: false, serverMaxWindowBits: 15, clientMaxWindowBits: 15 })
        try {
          await server.decompress(Buffer.from(bytes), fin, 1 << 16)
        } catch (err) {
          expect(err).toBeInstanceOf(DeflateError)
        } finally {
          server.close()
        }
      }),
      { numRuns: 500 },
    )
  })
})
