/**
 * fast-check generators of valid HTTP/1.1 responses for the ResponseReader tests: a model, its
 * serialization, and what the reader must report for it.
 */
import fc from 'fast-check'
import { ResponseReader, type ResponseFraming } from '../../src/http/response-reader.js'

/** A field line as the reader must report it, and the OWS around its value on the wire. */
export interface FieldModel {
  name: string
  value: string
  before: string
  after: string
}

/** A generated response (maybe preceded by interim ones). */
export interface ResponseModel {
  interim: Array<{ status: number; reason: string; fields: FieldModel[] }>
  versionMinor: 0 | 1
  status: number
  /** `null`: the status line ends right after the code (no SP, no reason). */
  reason: string | null
  fields: FieldModel[]
  /** Whether it answers a HEAD request (then it carries no body whatever its fields say). */
  head: boolean
  framing: Exclude<ResponseFraming, 'upgrade'>
  body: string
  /** Chunk sizes for `chunked` (their sum is the body length), each with an extension or ''. */
  chunks: Array<{ size: number; hex: string; ext: string }>
  trailers: FieldModel[]
}

const tchar = fc.constantFrom(...'!#$%&\'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'.split(''))
const vchar = fc.integer({ min: 0x21, max: 0x7e }).map(c => String.fromCharCode(c))
const obsText = fc.integer({ min: 0x80, max: 0xff }).map(c => String.fromCharCode(c))
/** A field value as the reader reports it: no leading/trailing OWS. */
const fieldValue = fc.oneof(
  fc.constant(''),
  fc
    .tuple(fc.oneof(vchar, obsText), fc.string({ unit: fc.oneof({ weight: 6, arbitrary: vchar }, fc.constantFrom(' ', '\t'), obsText), maxLength: 20 }), fc.oneof(vchar, obsText))
    .map(([a, mid, b]) => a + mid + b),
  fc.oneof(vchar, obsText),
)
/** A name that is no framing field (those are chosen by the model's framing). */
const fieldName = fc.string({ unit: tchar, minLength: 1, maxLength: 16 }).filter(n => !['content-length', 'transfer-encoding'].includes(n.toLowerCase()))
const ows = fc.constantFrom('', ' ', '  ', '\t', ' \t')
const field: fc.Arbitrary<FieldModel> = fc.record({ name: fieldName, value: fieldValue, before: ows, after: ows })
const reason = fc.string({ unit: fc.oneof({ weight: 8, arbitrary: vchar }, fc.constant(' '), fc.constant('\t'), obsText), maxLength: 20 })

/** One response model. */
export function responseModel(options: { close?: boolean } = {}): fc.Arbitrary<ResponseModel> {
  const framings: Array<ResponseModel['framing']> = options.close === true ? ['length', 'chunked', 'close'] : ['length', 'chunked']
  return fc
    .record({
      interim: fc.array(
        fc.record({ status: fc.constantFrom(100, 102, 103), reason: fc.constantFrom('Continue', 'Processing', 'Early Hints', ''), fields: fc.array(field, { maxLength: 2 }) }),
        { maxLength: 2 },
      ),
      versionMinor: fc.constantFrom<0 | 1>(0, 1),
      status: fc.oneof(fc.constantFrom(200, 201, 204, 206, 301, 304, 400, 404, 431, 500, 505), fc.integer({ min: 200, max: 999 })),
      reason: fc.option(reason, { nil: null }),
      fields: fc.array(field, { maxLength: 6 }),
      head: fc.boolean(),
      framing: fc.constantFrom(...framings),
      body: fc.string({ unit: fc.integer({ min: 0, max: 255 }).map(c => String.fromCharCode(c)), maxLength: 80 }),
      cuts: fc.array(fc.nat(80), { maxLength: 4 }),
      exts: fc.array(fc.constantFrom('', ';a=b', ' ;x', ';q="v"'), { minLength: 6, maxLength: 6 }),
      upper: fc.boolean(),
      trailers: fc.array(field, { maxLength: 2 }),
    })
    .map(r => {
      const noBody = r.head || r.status === 204 || r.status === 304
      const framing: ResponseModel['framing'] = noBody ? 'none' : r.framing
      const body = noBody ? '' : r.body
      const bounds = [...new Set(r.cuts.map(c => c % (body.length + 1)))].sort((a, b) => a - b).filter(c => c > 0 && c < body.length)
      const sizes: number[] = []
      let last = 0
      for (const b of [...bounds, body.length]) {
        if (b > last) sizes.push(b - last)
        last = b
      }
      const chunks = sizes.map((size, i) => ({ size, hex: r.upper ? size.toString(16).toUpperCase() : size.toString(16), ext: r.exts[i] ?? '' }))
      return {
        interim: r.interim,
        versionMinor: r.versionMinor,
        status: r.status,
        reason: r.reason,
        fields: r.fields,
        head: r.head,
        framing,
        body,
        chunks,
        trailers: framing === 'chunked' ? r.trailers : [],
      }
    })
}

/** A pipeline of responses; only the last may be close-delimited. */
export function pipelineModel(): fc.Arbitrary<ResponseModel[]> {
  return fc.tuple(fc.array(responseModel(), { maxLength: 2 }), responseModel({ close: true })).map(([a, b]) => [...a, b])
}

function fieldLines(fields: FieldModel[]): string {
  return fields.map(f => `${f.name}:${f.before}${f.value}${f.after}\r\n`).join('')
}

/** The wire bytes of one response model (latin1). */
export function serialize(m: ResponseModel): string {
  let out = ''
  for (const i of m.interim) out += `HTTP/1.1 ${i.status}${i.reason === '' ? '' : ' ' + i.reason}\r\n${fieldLines(i.fields)}\r\n`
  out += `HTTP/1.${m.versionMinor} ${m.status}${m.reason === null ? '' : ' ' + m.reason}\r\n${fieldLines(m.fields)}`
  // A HEAD answer, 204 and 304 keep whatever framing field they would have had: the reader must ignore it.
  if (m.framing === 'length' || (m.framing === 'none' && m.head)) out += `Content-Length: ${m.head ? 17 : m.body.length}\r\n`
  if (m.framing === 'chunked') out += 'Transfer-Encoding: chunked\r\n'
  out += '\r\n'
  if (m.framing === 'chunked') {
    let at = 0
    for (const c of m.chunks) {
      out += `${c.hex}${c.ext}\r\n${m.body.slice(at, at + c.size)}\r\n`
      at += c.size
    }
    out += `0\r\n${fieldLines(m.trailers)}\r\n`
  } else if (m.framing !== 'none') {
    out += m.body
  }
  return out
}

/** What the reader reports for one response, in a comparable form. */
export interface Seen {
  status: number
  statusText: string
  httpVersion: string
  headers: Array<[string, string]>
  body: string
  trailers: Array<[string, string]>
  framing: ResponseFraming
  interim: Array<{ status: number; statusText: string; headers: Array<[string, string]> }>
  raw: string
}

/** What the reader must report for a model. */
export function expected(m: ResponseModel): Omit<Seen, 'raw'> {
  const headers: Array<[string, string]> = m.fields.map(f => [f.name, f.value])
  if (m.framing === 'length' || (m.framing === 'none' && m.head)) headers.push(['Content-Length', String(m.head ? 17 : m.body.length)])
  if (m.framing === 'chunked') headers.push(['Transfer-Encoding', 'chunked'])
  return {
    status: m.status,
    statusText: m.reason ?? '',
    httpVersion: `1.${m.versionMinor}`,
    headers,
    body: m.body,
    trailers: m.trailers.map(f => [f.name, f.value]),
    framing: m.framing,
    interim: m.interim.map(i => ({ status: i.status, statusText: i.reason, headers: i.fields.map(f => [f.name, f.value] as [string, string]) })),
  }
}

/** Everything observable from reading one input. */
export interface ReadOutcome {
  responses: Seen[]
  error: { code: string; offset: number } | null
  idle: boolean
}

/** Splits `input` at the given offsets (taken modulo its length). */
export function splitAt(input: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map(c => (input.length === 0 ? 0 : c % input.length)))].sort((a, b) => a - b)
  const parts: Buffer[] = []
  let last = 0
  for (const p of points) {
    parts.push(input.subarray(last, p))
    last = p
  }
  parts.push(input.subarray(last))
  return parts
}

/** Reads `chunks` (then the end of input when `end`) and records what the reader reports. */
export function read(chunks: Array<string | Buffer>, methods: string[] = [], end = true): ReadOutcome {
  const reader = new ResponseReader({ methods })
  for (const c of chunks) reader.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c)
  const idle = reader.idle
  if (end) reader.end()
  return {
    responses: reader.responses.map(r => ({
      status: r.status,
      statusText: r.statusText,
      httpVersion: r.httpVersion,
      headers: [...r.headers],
      body: r.body.toString('latin1'),
      trailers: [...r.trailers],
      framing: r.framing,
      interim: r.interim.map(i => ({ status: i.status, statusText: i.statusText, headers: [...i.headers] })),
      raw: r.raw.toString('latin1'),
    })),
    error: reader.error === null ? null : { code: reader.error.code, offset: reader.error.offset },
    idle,
  }
}

/** The methods a pipeline of models answers. */
export function methodsOf(models: ResponseModel[]): string[] {
  return models.map(m => (m.head ? 'HEAD' : 'GET'))
}
