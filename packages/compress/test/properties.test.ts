// Properties over random bodies and random request headers, through the whole wire path (app.inject):
// whatever the body (text, bytes, JSON, a stream of chunks, sized or not) and whatever Accept-Encoding
// says (valid, odd or malformed), the answer is a 200 whose body, decoded by its Content-Encoding with
// node:zlib, is the original bytes; a coding is only ever one the client listed (or covered with `*`).
import { Readable } from 'node:stream'
import fc from 'fast-check'
import { createApp, SizedStream, type Context } from 'tinyhttp-core'
import { describe, expect, it } from 'vitest'
import { compress } from '../src/index.js'
import { decode } from './wire.js'

type BodySpec =
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'json'; value: unknown }
  | { kind: 'stream'; chunks: Uint8Array[]; sized: boolean }

const bodySpec: fc.Arbitrary<BodySpec> = fc.oneof(
  fc.record({ kind: fc.constant('text' as const), text: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 3000 }), fc.string({ maxLength: 20 }).map(s => s.repeat(200))) }),
  fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 5000 }) }),
  fc.record({ kind: fc.constant('json' as const), value: fc.jsonValue({ maxDepth: 3 }).filter(v => v !== null && typeof v === 'object') }),
  fc.record({ kind: fc.constant('stream' as const), chunks: fc.array(fc.uint8Array({ minLength: 1, maxLength: 2000 }), { maxLength: 8 }), sized: fc.boolean() }),
)

const token = fc.constantFrom('br', 'gzip', 'x-gzip', 'zstd', 'identity', '*', 'deflate', 'compress', 'BR', 'GZip', '', ' ', 'br;q=', 'gzip;q=abc')
const qvalue = fc.oneof(fc.constantFrom('0', '1', '0.5', '1.0', '0.000', '1.0001', 'abc', '-1', '', '0.', '.5'), fc.string({ maxLength: 6 }))
const element = fc.tuple(token, fc.option(qvalue, { nil: undefined }), fc.constantFrom('', ' ', ';', ';x=1', ' ; ')).map(([t, q, extra]) => (q === undefined ? t : `${t};q=${q}`) + extra)
/** Accept-Encoding values: lists of plausible elements, stray commas, and arbitrary latin1 text. */
const acceptEncoding = fc.oneof(
  { arbitrary: fc.constantFrom('br', 'gzip', 'gzip, deflate, br', 'br;q=0.5, gzip', 'x-gzip', '*'), weight: 3 },
  { arbitrary: fc.array(element, { maxLength: 8 }).map(list => list.join(',')), weight: 3 },
  { arbitrary: fc.array(element, { maxLength: 8 }).map(list => list.join(' ,, ')), weight: 1 },
  { arbitrary: fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map(c => String.fromCharCode(c)), maxLength: 60 }), weight: 1 },
)

const contentType = fc.constantFrom('text/html; charset=utf-8', 'application/json', 'text/css', 'application/javascript', 'image/svg+xml', 'image/png', 'application/octet-stream')

function expectedBytes(spec: BodySpec): Buffer {
  if (spec.kind === 'text') return Buffer.from(spec.text, 'utf8')
  if (spec.kind === 'bytes') return Buffer.from(spec.bytes)
  if (spec.kind === 'json') return Buffer.from(JSON.stringify(spec.value), 'utf8')
  return Buffer.concat(spec.chunks)
}

function setBody(ctx: Context, spec: BodySpec): void {
  if (spec.kind === 'text') ctx.res.body = spec.text
  else if (spec.kind === 'bytes') ctx.res.body = spec.bytes
  else if (spec.kind === 'json') ctx.res.body = spec.value as object
  else {
    const stream = Readable.from(spec.chunks.map(c => Buffer.from(c)))
    ctx.res.body = spec.sized ? new SizedStream(stream, expectedBytes(spec).length) : stream
  }
}

/** Whether the Accept-Encoding value names this coding (or `x-gzip` for gzip, or `*`) as a token. */
function listed(header: string, coding: string): boolean {
  const tokens = header.split(',').map(e => e.split(';')[0]!.trim().toLowerCase())
  return tokens.includes(coding) || tokens.includes('*') || (coding === 'gzip' && tokens.includes('x-gzip'))
}

describe('properties', () => {
  it('decode(response) equals the original bytes, whatever the body, type, threshold and Accept-Encoding', async () => {
    const seen = { br: 0, gzip: 0, identity: 0 }
    await fc.assert(
      fc.asyncProperty(bodySpec, fc.option(acceptEncoding, { nil: undefined }), contentType, fc.constantFrom(0, 1024), fc.boolean(), async (spec, accept, type, threshold, head) => {
        const app = createApp()
        app.use(compress({ threshold }))
        app.use(ctx => {
          if (spec.kind !== 'json') ctx.res.headers.set('Content-Type', type)
          setBody(ctx, spec)
        })
        const res = await app.inject({ method: head ? 'HEAD' : 'GET', target: '/', headers: accept === undefined ? {} : { 'accept-encoding': accept } })
        expect(res.status).toBe(200)
        const coding = res.headers.get('content-encoding')
        seen[(coding ?? 'identity') as keyof typeof seen]++
        if (coding !== undefined) {
          expect(accept).toBeDefined()
          expect(listed(accept as string, coding), `${coding} for ${JSON.stringify(accept)}`).toBe(true)
          expect(res.headers.get('vary')).toBe('Accept-Encoding')
          expect(res.headers.has('accept-ranges')).toBe(false)
        }
        if (head) {
          expect(res.body.length).toBe(0)
          return
        }
        const expected = expectedBytes(spec)
        expect(decode(res.body, coding).equals(expected)).toBe(true)
        if (res.framing === 'length') expect(res.headers.get('content-length')).toBe(String(res.body.length))
      }),
      { numRuns: 300 },
    )
    // Not vacuous: both codings and identity were exercised.
    expect(seen.br).toBeGreaterThan(10)
    expect(seen.gzip).toBeGreaterThan(10)
    expect(seen.identity).toBeGreaterThan(10)
  }, 60_000)
})

describe('malformed Accept-Encoding', () => {
  const values = [
    ',,,',
    'gzip;q=abc',
    'br;q=1.0001',
    'gzip;;;q=1',
    'br;q=0.5;q=0.9',
    ';q=1',
    '=',
    'q=1',
    Array.from({ length: 10_000 }, (_, i) => `c${i};q=0.${i % 10}`).join(','),
    'gzip;q=0, ' + 'x'.repeat(64 * 1024),
    'br'.padStart(64 * 1024, ' '),
  ]
  it.each(values.map(v => [v.length > 60 ? `${v.slice(0, 40)}… (${v.length} chars)` : v, v]))('%j: no throw, a 200 that decodes to the page', async (_label, value) => {
    const page = '<p>a page</p>'.repeat(200)
    // The default header limit (16 KiB) would answer 431 before the chain; let the long values through.
    const app = createApp({ maxHeaderSize: 256 * 1024 })
    app.use(compress())
    app.use(ctx => {
      ctx.res.headers.set('Content-Type', 'text/html')
      ctx.res.body = page
    })
    const res = await app.inject({ target: '/', headers: { 'accept-encoding': value } })
    expect(res.status).toBe(200)
    const coding = res.headers.get('content-encoding')
    if (coding !== undefined) expect(listed(value, coding)).toBe(true)
    expect(decode(res.body, coding).toString()).toBe(page)
  })
})
