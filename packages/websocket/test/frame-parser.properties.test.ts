import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeFrame, OPCODE, Utf8Validator } from '../src/index.js'
import { clientFrame, parse } from './helpers.js'

const { CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG } = OPCODE

/** One message as a client may send it: text or binary, cut into fragments, with control frames between them. */
const message = fc.record({
  text: fc.boolean(),
  content: fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }).map(s => Buffer.from(s)), fc.uint8Array({ maxLength: 300 }).map(b => Buffer.from(b))),
  cuts: fc.array(fc.nat(300), { maxLength: 4 }),
  pings: fc.array(fc.uint8Array({ maxLength: 125 }), { maxLength: 2 }),
})

/** A valid stream of frames (a client's) built from messages. */
const stream = fc.array(message, { maxLength: 6 }).map(messages => {
  const frames: Buffer[] = []
  for (const m of messages) {
    const content = m.text ? Buffer.from(m.content.toString('utf8')) : m.content
    const cuts = [...new Set(m.cuts.filter(c => c < content.length))].sort((a, b) => a - b)
    const pieces: Buffer[] = []
    let at = 0
    for (const cut of [...cuts, content.length]) {
      pieces.push(content.subarray(at, cut))
      at = cut
    }
    pieces.forEach((piece, i) => {
      frames.push(clientFrame(i === 0 ? (m.text ? TEXT : BINARY) : CONTINUATION, piece, { fin: i === pieces.length - 1 }))
      const ping = m.pings[i]
      if (ping !== undefined && i < pieces.length - 1) frames.push(clientFrame(i % 2 === 0 ? PING : PONG, ping))
    })
  }
  return Buffer.concat(frames)
})

const splits = fc.array(fc.nat(4000), { maxLength: 12 })

describe('frame parser properties', () => {
  it('any split of a valid stream gives the same frames as the whole, and no error', () => {
    fc.assert(
      fc.property(stream, splits, (input, cuts) => {
        const whole = parse(input)
        expect(whole.error).toBeNull()
        expect(parse(input, {}, cuts)).toEqual(whole)
        // Byte by byte too.
        expect(parse(input, {}, Array.from({ length: input.length }, (_, i) => i))).toEqual(whole)
      }),
      { numRuns: 200 },
    )
  })

  it('random mutations never throw, and any split still gives the same result', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.tuple(fc.nat(4000), fc.nat(255)), { minLength: 1, maxLength: 6 }), splits, fc.integer({ min: 1, max: 400 }), (input, edits, cuts, maxPayload) => {
        const mutated = Buffer.from(input)
        for (const [at, value] of edits) if (mutated.length > 0) mutated[at % mutated.length] = value
        const whole = parse(mutated, { maxPayload, rsv1: maxPayload % 2 === 0 })
        expect(parse(mutated, { maxPayload, rsv1: maxPayload % 2 === 0 }, cuts)).toEqual(whole)
      }),
      { numRuns: 500 },
    )
  })

  it('random bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), splits, (input, cuts) => {
        expect(parse(input, {}, cuts)).toEqual(parse(input))
      }),
      { numRuns: 500 },
    )
  })

  it('round trip: what the serializer frames, the parser reads back (both roles, every length form)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(BINARY, PING, PONG, CLOSE),
        fc.oneof(fc.uint8Array({ maxLength: 125 }), fc.uint8Array({ minLength: 126, maxLength: 70_000 })),
        fc.boolean(),
        (opcode, body, masked) => {
          let payload = Buffer.from(body)
          if (opcode >= CLOSE) payload = payload.subarray(0, 125)
          if (opcode === CLOSE) payload = Buffer.from([0x03, 0xe8]) // 1000, valid
          const frame = encodeFrame(opcode, payload, masked ? { mask: true } : {})
          const result = parse(frame, { role: masked ? 'server' : 'client' })
          expect(result).toEqual({ frames: [{ fin: true, rsv1: false, opcode, payload: payload.toString('hex') }], error: null })
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('UTF-8 validator properties', () => {
  it('agrees with Node on any bytes, however they are split', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.string({ unit: 'binary', maxLength: 40 }).map(s => new Uint8Array(Buffer.from(s))),
      // Valid text with a few bytes changed: near-misses (truncated, overlong, surrogates).
      fc.tuple(fc.string({ unit: 'binary', maxLength: 40 }), fc.nat(), fc.nat(255)).map(([s, at, v]) => {
        const b = new Uint8Array(Buffer.from(s))
        if (b.length > 0) b[at % b.length] = v
        return b
      }),
    )
    fc.assert(
      fc.property(bytes, splits, (input, cuts) => {
        const v = new Utf8Validator()
        const sorted = [...new Set(cuts.map(c => c % (input.length + 1)))].sort((a, b) => a - b)
        let at = 0
        let ok = true
        for (const cut of [...sorted, input.length]) {
          ok = v.update(input, at, cut) && ok
          at = cut
        }
        ok = v.end() && ok
        expect(ok).toBe(tryDecode(input))
      }),
      { numRuns: 2000 },
    )
  })
})

/** Node's own answer (a fatal TextDecoder). */
function tryDecode(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return true
  } catch {
    return false
  }
}
