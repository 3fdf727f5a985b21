/**
 * fast-check generators of valid HTTP/1.1 requests for the property and
 * differential tests: a model, its serialization (with random but
 * semantically neutral formatting) and the parse result it must produce.
 */
import fc from 'fast-check'
import type { RequestHead } from '../../src/http/request-head.js'
import type { ParsedMessage } from './helpers.js'

/** A field line: the value as the parser must report it, and the OWS around it on the wire. */
export interface FieldModel {
  name: string
  value: string
  before: string
  after: string
}

/** One chunk of a chunked body. */
export interface ChunkModel {
  data: string
  /** The chunk-size as written (hex, any case, maybe leading zeros). */
  size: string
  /** Chunk extensions as written (valid syntax). */
  ext: string
}

/** How the body is framed. */
export type BodyModel =
  | { kind: 'none' }
  | { kind: 'length'; data: string; /** Wire values of the Content-Length field lines. */ fields: string[] }
  | { kind: 'chunked'; chunks: ChunkModel[]; lastExt: string; trailers: FieldModel[] }

/** A generated request. */
export interface RequestModel {
  emptyLines: number
  method: string
  path: string
  query: string | null
  versionMinor: 0 | 1
  /** Fields in wire order, Host included; framing fields are added after them. */
  fields: FieldModel[]
  host: string | null
  body: BodyModel
}

const DIGITS = '0123456789'
const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
const TCHARS = `${ALPHA}${DIGITS}!#$%&'*+-.^_\`|~`
const HEX = '0123456789abcdefABCDEF'
const UNRESERVED = `${ALPHA}${DIGITS}-._~`
const SUB_DELIMS = "!$&'()*+,;="

/** Characters of `s` as an arbitrary. */
const charOf = (s: string): fc.Arbitrary<string> => fc.constantFrom(...s.split(''))
const pct = fc.tuple(charOf(HEX), charOf(HEX)).map(([a, b]) => `%${a}${b}`)

/** Options narrowing the generated requests. */
export interface GeneratorOptions {
  /** Only what node:http's parser also accepts (known methods, a narrower target alphabet, X- field names). */
  nodeCompatible?: boolean
}

const COMMON_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE']
const SPECIAL_FIELDS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'expect'])

/** Removes leading and trailing SP/HTAB (what the parser does; not String#trim). */
export function trimOws(s: string): string {
  let a = 0
  let b = s.length
  while (a < b && (s[a] === ' ' || s[a] === '\t')) a++
  while (b > a && (s[b - 1] === ' ' || s[b - 1] === '\t')) b--
  return s.slice(a, b)
}

/** Arbitrary token of 1-10 tchars. */
export const token = (max = 10): fc.Arbitrary<string> => fc.string({ unit: charOf(TCHARS), minLength: 1, maxLength: max })

const ows = fc.string({ unit: charOf(' \t'), maxLength: 2 })
const latin1Byte = fc.integer({ min: 0, max: 255 }).map((b) => String.fromCharCode(b))
/** Field-content bytes: VCHAR, obs-text, and SP/HTAB (which end up inside or are trimmed). */
const fieldChar = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x21, max: 0x7e }).map((b) => String.fromCharCode(b)) },
  { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((b) => String.fromCharCode(b)) },
  { weight: 2, arbitrary: charOf(' \t') },
)
const fieldValue = fc.string({ unit: fieldChar, maxLength: 16 })

function fieldArb(name: fc.Arbitrary<string>): fc.Arbitrary<FieldModel> {
  return fc.record({ name, value: fieldValue, before: ows, after: ows }).map((f) => ({ ...f, value: trimOws(f.value) }))
}

const hostArb = fc.oneof(
  fc.tuple(fc.string({ unit: charOf(`${UNRESERVED}`), minLength: 1, maxLength: 12 }), fc.option(fc.nat(65535), { nil: null }))
    .map(([h, port]) => (port === null ? h : `${h}:${port}`)),
  fc.constantFrom('127.0.0.1', '[::1]:8080', 'example.com:80', ''),
)

const chunkExt = fc.constantFrom('', '', '', ';a', ';a=b', ';name="quoted value"', ' ; k = v', ';x;y=1;z="\\""')
/** Extensions node:http also accepts (it rejects BWS around `;` and `=`). */
const nodeChunkExt = fc.constantFrom('', '', '', ';a', ';a=b', ';name="quoted value"', ';x;y=1')

/** Arbitrary chunk: data of 1-12 latin1 bytes with its size written in random hex case / zero padding. */
const chunkArb = (ext: fc.Arbitrary<string>): fc.Arbitrary<ChunkModel> =>
  fc
    .record({ data: fc.string({ unit: latin1Byte, minLength: 1, maxLength: 12 }), zeros: fc.nat(3), upper: fc.boolean(), ext })
    .map(({ data, zeros, upper, ext }) => {
      const hex = data.length.toString(16)
      return { data, size: '0'.repeat(zeros) + (upper ? hex.toUpperCase() : hex), ext }
    })

/** Arbitrary valid request model. */
export function requestModel(options: GeneratorOptions = {}): fc.Arbitrary<RequestModel> {
  const node = options.nodeCompatible === true
  const method = node
    ? fc.constantFrom(...COMMON_METHODS)
    : fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...COMMON_METHODS) }, { weight: 1, arbitrary: token(8) })
  const segmentChar = node ? charOf(`${UNRESERVED}!$&'()*+,;=:@`) : fc.oneof(charOf(`${UNRESERVED}${SUB_DELIMS}:@`), pct)
  const segment = fc.string({ unit: segmentChar, maxLength: 8 })
  const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((segs) => `/${segs.join('/')}`)
  const queryChar = node ? fc.oneof(charOf(`${UNRESERVED}${SUB_DELIMS}:@/?`), pct) : fc.oneof(charOf('!"$&\'()*+,-./:;<=>?@[\\]^_`{|}~abcXYZ019'), pct)
  const query = fc.option(fc.string({ unit: queryChar, maxLength: 10 }), { nil: null })
  const fieldName = (node ? token(8).map((t) => `X-${t}`) : token(10)).filter((n) => !SPECIAL_FIELDS.has(n.toLowerCase()))
  const fields = fc.array(fieldArb(fieldName), { maxLength: 6 })
  const trailers = fc.array(fieldArb(fieldName), { maxLength: 2 })
  const lengthBody = fc
    .record({ data: fc.string({ unit: latin1Byte, maxLength: 24 }), style: fc.constantFrom('plain', 'zeros', 'list', 'twice') })
    .map(({ data, style }): BodyModel => {
      const n = String(data.length)
      const fields = style === 'zeros' ? [`00${n}`] : style === 'list' ? [`${n}, ${n}`] : style === 'twice' ? [n, n] : [n]
      return { kind: 'length', data, fields }
    })
  const chunkedBody = fc
    .record({ chunks: fc.array(chunkArb(node ? nodeChunkExt : chunkExt), { maxLength: 4 }), lastExt: node ? nodeChunkExt : chunkExt, trailers })
    .map((b): BodyModel => ({ kind: 'chunked', ...b }))
  return fc
    .record({
      emptyLines: fc.constantFrom(0, 0, 0, 1, 2),
      method,
      path,
      query,
      versionMinor: fc.constantFrom<0 | 1>(0, 1, 1, 1),
      fields,
      hostAt: fc.nat(),
      host: fc.option(hostArb, { nil: null }),
      none: fc.constant<BodyModel>({ kind: 'none' }),
      lengthBody,
      chunkedBody,
      bodyKind: fc.constantFrom(0, 1, 2),
    })
    .map((r): RequestModel => {
      const host = r.versionMinor === 1 && r.host === null ? 'example.com' : r.host
      const fieldList = [...r.fields]
      if (host !== null) fieldList.splice(r.hostAt % (fieldList.length + 1), 0, { name: 'Host', value: host, before: ' ', after: '' })
      let body: BodyModel = r.bodyKind === 0 ? r.none : r.bodyKind === 1 ? r.lengthBody : r.chunkedBody
      if (body.kind === 'chunked' && r.versionMinor === 0) body = r.lengthBody
      if (node && body.kind === 'length' && (body.fields.length > 1 || body.fields[0]!.includes(','))) {
        // node:http rejects repeated Content-Length values (see the differential test).
        body = { ...body, fields: [String(body.data.length)] }
      }
      return { emptyLines: r.emptyLines, method: r.method, path: r.path, query: r.query, versionMinor: r.versionMinor, fields: fieldList, host, body }
    })
}

/** The request-target of a model. */
export function targetOf(m: RequestModel): string {
  return m.query === null ? m.path : `${m.path}?${m.query}`
}

/** The framing field lines of a model, as [name, wire value] pairs. */
function framingFields(m: RequestModel): [string, string][] {
  if (m.body.kind === 'length') return m.body.fields.map((v) => ['Content-Length', v])
  if (m.body.kind === 'chunked') return [['Transfer-Encoding', 'chunked']]
  return []
}

/** Serializes a model to the latin1 string sent on the wire. */
export function serialize(m: RequestModel): string {
  let out = '\r\n'.repeat(m.emptyLines)
  out += `${m.method} ${targetOf(m)} HTTP/1.${m.versionMinor}\r\n`
  for (const f of m.fields) out += `${f.name}:${f.before}${f.value}${f.after}\r\n`
  for (const [name, value] of framingFields(m)) out += `${name}: ${value}\r\n`
  out += '\r\n'
  if (m.body.kind === 'length') out += m.body.data
  else if (m.body.kind === 'chunked') {
    for (const c of m.body.chunks) out += `${c.size}${c.ext}\r\n${c.data}\r\n`
    out += `0${m.body.lastExt}\r\n`
    for (const t of m.body.trailers) out += `${t.name}:${t.before}${t.value}${t.after}\r\n`
    out += '\r\n'
  }
  return out
}

/** The message the parser must report for a model. */
export function expected(m: RequestModel): ParsedMessage {
  const rawHeaders: string[] = []
  for (const f of m.fields) rawHeaders.push(f.name, f.value)
  for (const [name, value] of framingFields(m)) rawHeaders.push(name, value)
  const head: RequestHead = {
    method: m.method,
    target: targetOf(m),
    path: m.path,
    query: m.query ?? '',
    targetForm: 'origin',
    versionMinor: m.versionMinor,
    rawHeaders,
    host: m.host ?? '',
    contentLength: m.body.kind === 'length' ? m.body.data.length : -1,
    chunked: m.body.kind === 'chunked',
    keepAlive: m.versionMinor === 1,
    expect: 'none',
  }
  if (m.body.kind === 'length') return { head, body: m.body.data, trailers: null }
  if (m.body.kind === 'chunked') {
    const trailers: string[] = []
    for (const t of m.body.trailers) trailers.push(t.name, t.value)
    return { head, body: m.body.chunks.map((c) => c.data).join(''), trailers: trailers.length === 0 ? null : trailers }
  }
  return { head, body: '', trailers: null }
}

/** Bytes that tend to hit parser edge cases when inserted or substituted. */
export const INTERESTING_BYTES = [0x00, 0x09, 0x0a, 0x0d, 0x20, 0x22, 0x23, 0x25, 0x2c, 0x3a, 0x3b, 0x3d, 0x7f, 0x80, 0xff, 0x30, 0x61, 0x2f, 0x3f, 0x40]

/** A byte-level edit of a serialized request. */
export type Mutation =
  | { op: 'replace'; at: number; byte: number }
  | { op: 'insert'; at: number; byte: number }
  | { op: 'delete'; at: number }
  | { op: 'duplicate'; at: number; length: number }
  | { op: 'truncate'; at: number }

/** Arbitrary mutation; positions are taken modulo the input length. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), byte: fc.oneof(fc.constantFrom(...INTERESTING_BYTES), fc.nat(255)) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), byte: fc.oneof(fc.constantFrom(...INTERESTING_BYTES), fc.nat(255)) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
)

/** Applies mutations to a latin1 string. */
export function mutate(input: string, mutations: readonly Mutation[]): string {
  let s = input
  for (const m of mutations) {
    const n = s.length
    if (n === 0) break
    const at = m.at % n
    switch (m.op) {
      case 'replace':
        s = s.slice(0, at) + String.fromCharCode(m.byte) + s.slice(at + 1)
        break
      case 'insert':
        s = s.slice(0, at) + String.fromCharCode(m.byte) + s.slice(at)
        break
      case 'delete':
        s = s.slice(0, at) + s.slice(at + 1)
        break
      case 'duplicate':
        s = s.slice(0, at + m.length) + s.slice(at, at + m.length) + s.slice(at + m.length)
        break
      case 'truncate':
        s = s.slice(0, at)
        break
    }
  }
  return s
}
