import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { ProxyProtocolError } from '../../src/proxy/proxy-header.js'
import { ProxyHeaderParser, parseProxyHeader, type ProxyParseStep } from '../../src/proxy/proxy-parser.js'
import { inet4, ipv6, port, tlv, unixPath, v2 } from './build-v2.js'

/** Feeds `input` in chunks cut at `cuts`; returns the final step and the rest seen after the header. */
function feed(input: Buffer, cuts: number[], maxTlvBytes?: number): { step: ProxyParseStep; after: Buffer } {
  const parser = new ProxyHeaderParser(maxTlvBytes === undefined ? {} : { maxTlvBytes })
  const points = [...new Set(cuts.map(c => (input.length === 0 ? 0 : c % input.length)))].sort((a, b) => a - b)
  const chunks: Buffer[] = []
  let from = 0
  for (const p of [...points, input.length]) {
    if (p > from) chunks.push(input.subarray(from, p))
    from = Math.max(from, p)
  }
  let step: ProxyParseStep = { kind: 'incomplete' }
  const after: Buffer[] = []
  for (const chunk of chunks) {
    if (step.kind === 'incomplete') {
      step = parser.push(chunk)
      if (step.kind === 'header') after.push(step.rest)
    } else if (step.kind === 'header') after.push(chunk)
  }
  if (step.kind === 'incomplete') step = parser.end()
  return { step, after: Buffer.concat(after) }
}

/** What matters of a step, comparable across splits. */
function outcome(r: { step: ProxyParseStep; after: Buffer }): unknown {
  const { step } = r
  if (step.kind === 'error') return { error: step.error.code }
  if (step.kind === 'header') return { header: { ...step.header, tlvs: step.header.tlvs.map(t => [t.type, [...t.value]]) }, after: r.after.toString('latin1') }
  return step
}

const TRAILER = Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')

/** Valid headers of every kind, each followed by the first bytes of HTTP. */
const validHeaders = fc.oneof(
  fc.tuple(fc.ipV4(), fc.ipV4(), fc.nat(65535), fc.nat(65535)).map(([s, d, sp, dp]) => Buffer.from(`PROXY TCP4 ${s} ${d} ${sp} ${dp}\r\n`)),
  fc.tuple(fc.ipV6(), fc.ipV6(), fc.nat(65535), fc.nat(65535)).map(([s, d, sp, dp]) => Buffer.from(`PROXY TCP6 ${s} ${d} ${sp} ${dp}\r\n`)),
  fc.constant(Buffer.from('PROXY UNKNOWN\r\n')),
  fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.array(fc.nat(255), { maxLength: 40 })), { maxLength: 5 }).chain(tlvs =>
    fc.constantFrom(
      inet4(tlvs.flatMap(([t, v]) => tlv(t, v))),
      inet4(tlvs.flatMap(([t, v]) => tlv(t, v)), 0x20),
      v2({ familyTransport: 0x21, body: [...ipv6([1, 2, 3, 4, 5, 6, 7, 8]), ...ipv6([0, 0, 0, 0, 0, 0, 0, 1]), ...port(9), ...port(10), ...tlvs.flatMap(([t, v]) => tlv(t, v))] }),
      v2({ familyTransport: 0x31, body: [...unixPath('/a'), ...unixPath('/b')] }),
      v2({ familyTransport: 0x00 }),
    ),
  ),
).map(header => Buffer.concat([header, TRAILER]))

const cuts = fc.array(fc.nat(), { maxLength: 12 })

describe('the incremental PROXY header parser', () => {
  test('any split of a valid header parses as the one-chunk parse, and the rest is the bytes after it', () => {
    fc.assert(
      fc.property(validHeaders, cuts, (input, points) => {
        const whole = outcome(feed(input, []))
        expect(whole).toMatchObject({ after: TRAILER.toString('latin1') })
        expect(outcome(feed(input, points))).toEqual(whole)
      }),
      { numRuns: 500 },
    )
  })

  test('one byte at a time gives the same header', () => {
    const input = Buffer.concat([inet4(tlv(0x01, [0x68, 0x32])), TRAILER])
    const cutsEveryByte = Array.from({ length: input.length }, (_, i) => i)
    expect(outcome(feed(input, cutsEveryByte))).toEqual(outcome(feed(input, [])))
  })

  test('any split of any bytes (mutated headers, noise) gives the same outcome and never throws', () => {
    const mutated = fc.tuple(validHeaders, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 })).map(([input, edits]) => {
      const copy = Buffer.from(input)
      for (const [at, byte] of edits) copy[at % copy.length] = byte
      return copy
    })
    const noise = fc.uint8Array({ maxLength: 300 }).map(b => Buffer.from(b))
    fc.assert(
      fc.property(fc.oneof(mutated, noise), cuts, fc.option(fc.nat(300)), (input, points, limit) => {
        // The stateless parser either answers or throws its own typed error, never anything else.
        try {
          parseProxyHeader(input, limit === null ? {} : { maxTlvBytes: limit })
        } catch (err) {
          expect(err).toBeInstanceOf(ProxyProtocolError)
        }
        const whole = outcome(feed(input, [], limit ?? undefined))
        expect(whole).not.toEqual({ error: undefined })
        expect(outcome(feed(input, points, limit ?? undefined))).toEqual(whole)
      }),
      { numRuns: 2000 },
    )
  })

  test('truncation anywhere inside a header is `truncated` at the end, and nothing at all is `missing-header`', () => {
    fc.assert(
      fc.property(validHeaders, fc.nat(), (input, n) => {
        const headerLength = input.length - TRAILER.length
        const cut = 1 + (n % (headerLength - 1))
        const parser = new ProxyHeaderParser()
        expect(parser.push(input.subarray(0, cut)).kind).toBe('incomplete')
        const step = parser.end()
        expect(step.kind === 'error' && step.error.code).toBe('truncated')
      }),
    )
    const step = new ProxyHeaderParser().end()
    expect(step.kind === 'error' && step.error.code).toBe('missing-header')
  })

  test('holds no more than a header can be while incomplete', () => {
    const parser = new ProxyHeaderParser()
    const header = inet4(tlv(0xe0, new Array<number>(2000).fill(1)))
    for (let i = 0; i < header.length - 1; i += 100) parser.push(header.subarray(i, Math.min(i + 100, header.length - 1)))
    expect(parser.bufferedLength).toBe(header.length - 1)
    expect(parser.push(header.subarray(header.length - 1)).kind).toBe('header')
  })

  test('push after the end is a programming error; a bad limit is refused at construction', () => {
    const parser = new ProxyHeaderParser()
    parser.push(Buffer.from('PROXY UNKNOWN\r\n'))
    expect(() => parser.push(Buffer.from('x'))).toThrow(/after the header/)
    expect(() => new ProxyHeaderParser({ maxTlvBytes: -1 })).toThrow(TypeError)
    expect(() => new ProxyHeaderParser({ maxTlvBytes: 1.5 })).toThrow(TypeError)
  })
})
