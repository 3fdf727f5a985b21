/**
 * Differential test against Node's own HTTP parser (llhttp behind node:http).
 *
 * The same bytes — generated valid requests, mutated requests and a table of
 * hand-picked shapes — are sent over a raw TCP socket to a node:http server
 * that records every request it completes, and are fed to RequestParser
 * in-process. Both sides must agree on which messages are accepted (method,
 * target, header fields with lower-cased names, body, trailers) and on
 * whether the input is rejected, except for the documented disagreement
 * classes in {@link EXCEPTIONS}, where we are stricter (or, in three cases,
 * more lenient) on purpose.
 *
 * A second part sends generated requests to a real tinyhttp server
 * (`createApp`, whose connection loop drives RequestParser) and checks that
 * it sees what node:http sees, and that rejections go out with the status
 * of {@link PARSE_ERROR_STATUS}.
 */
import fc from 'fast-check'
import http from 'node:http'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createApp, type App } from '../../src/app.js'
import { PARSE_ERROR_STATUS, type ParseErrorCode } from '../../src/http/parse-error.js'
import { mutate, mutation, requestModel, serialize } from './generators.js'
import { messages, run } from './helpers.js'

/** A completed request as both sides report it. */
interface Msg {
  method: string
  target: string
  /** [lower-cased name, value] */
  headers: [string, string][]
  body: string
  trailers: [string, string][]
}

/** What one side did with an input. */
interface Observed {
  msgs: Msg[]
  /** The input was rejected (an error after the accepted messages). */
  rejected: boolean
  /** Our error code, or node's error code / status. */
  detail: string
}

/** Flat raw pairs to [lower-cased name, value] pairs. */
function pairs(raw: readonly string[] | null): [string, string][] {
  const out: [string, string][] = []
  if (raw) for (let i = 0; i < raw.length; i += 2) out.push([raw[i]!.toLowerCase(), raw[i + 1]!])
  return out
}

/**
 * Our side. Messages after the first one that does not keep the connection
 * alive are dropped (node:http closes the connection there and reports the
 * rest as "data after Connection: close").
 */
function ours(input: string): Observed & { error: ParseErrorCode | null; cutAt: number } {
  const outcome = run([input])
  const msgs: Msg[] = []
  for (const m of messages(outcome)) {
    msgs.push({ method: m.head.method, target: m.head.target, headers: pairs(m.head.rawHeaders), body: m.body, trailers: pairs(m.trailers) })
    if (!m.head.keepAlive) return { msgs, rejected: false, detail: 'closed', error: null, cutAt: msgs.length }
  }
  const error = outcome.error ?? outcome.eof
  return { msgs, rejected: error !== null, detail: error ?? 'ok', error, cutAt: -1 }
}

let server: http.Server
let port = 0
let current: { msgs: Msg[]; errors: string[] } = { msgs: [], errors: [] }
let app: App
let appPort = 0
let appSeen: Msg[] = []

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const sink = current
    let body = ''
    req.setEncoding('latin1')
    req.on('data', (c: string) => {
      body += c
    })
    req.on('end', () => {
      sink.msgs.push({ method: req.method ?? '', target: req.url ?? '', headers: pairs(req.rawHeaders), body, trailers: pairs(req.rawTrailers) })
      res.end('ok')
    })
    req.on('error', (e: NodeJS.ErrnoException) => sink.errors.push(`req:${e.code ?? e.message}`))
  })
  server.on('clientError', (err: NodeJS.ErrnoException, socket: net.Socket) => {
    current.errors.push(err.code ?? err.message)
    socket.destroy()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as net.AddressInfo).port

  app = createApp()
  app.use(async (ctx) => {
    const sink = appSeen
    const { headers } = ctx.req
    // Only read a body the request has (reading the body of a body-less request a
    // second time on a connection currently fails in the connection loop).
    const hasBody = headers.get('transfer-encoding') !== undefined || Number(headers.get('content-length') ?? '0') > 0
    const body = hasBody ? await ctx.req.body() : Buffer.alloc(0)
    sink.push({ method: ctx.req.method, target: ctx.req.target, headers: pairs(ctx.req.headers.raw), body: body.toString('latin1'), trailers: [] })
    ctx.res.body = 'ok'
  })
  appPort = (await app.listen(0)).port
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await app.close()
})

/** Writes `input` on a new connection to `toPort`, half-closes, and returns all bytes received until close. */
async function exchange(toPort: number, input: string): Promise<string> {
  let response = ''
  await new Promise<void>((resolve) => {
    const socket = net.connect(toPort, '127.0.0.1', () => socket.end(Buffer.from(input, 'latin1')))
    const timer = setTimeout(() => socket.destroy(), 2000)
    socket.on('data', (d: Buffer) => {
      response += d.toString('latin1')
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(timer)
      resolve()
    })
  })
  // Let server-side events that race with the close land.
  await new Promise((resolve) => setImmediate(resolve))
  return response
}

/** The status codes of the responses in `response`, in order. */
function statusesOf(response: string): string[] {
  return [...response.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]!)
}

/** Node's side: one connection per input, half-closed after writing it. */
async function node(input: string): Promise<Observed> {
  const sink = { msgs: [] as Msg[], errors: [] as string[] }
  current = sink
  const response = await exchange(port, input)
  // node:http answers some rejections (missing Host, 417) itself, without an event, and
  // may go on parsing pipelined requests: responses are in request order, so only the
  // requests before the first non-200 response count as accepted.
  const statuses = statusesOf(response)
  const firstBad = statuses.findIndex((s) => s !== '200')
  const msgs = firstBad >= 0 ? sink.msgs.slice(0, firstBad) : sink.msgs
  const problems = [...sink.errors, ...(firstBad >= 0 ? [statuses[firstBad]!] : [])]
  return { msgs, rejected: problems.length > 0, detail: problems.join(' ') || 'ok' }
}

/** Everything a disagreement class may look at. */
interface Disagreement {
  input: string
  ours: ReturnType<typeof ours>
  node: Observed
  /** Index of the first message on which the sides differ. */
  index: number
  /** `we-reject`: node completed message `index`, we failed; `we-accept`: the reverse; `fields`: both completed it differently; `outcome`: same messages, different rejection. */
  kind: 'we-reject' | 'we-accept' | 'fields' | 'outcome'
}

/** A documented, intended disagreement with node:http. */
interface Exception {
  name: string
  rfc: string
  why: string
  applies(d: Disagreement): boolean
}

const NODE_METHODS = new Set(http.METHODS)
const weReject = (...codes: ParseErrorCode[]) => (d: Disagreement): boolean =>
  d.kind === 'we-reject' && d.ours.error !== null && codes.includes(d.ours.error)

/** The head line (request-line) our error happened on is the message at `index`; the raw bytes are latin1. */
const EXCEPTIONS: Exception[] = [
  {
    name: 'strict-request-target',
    rfc: 'RFC 9112 §3.2, RFC 3986 §3.3-§3.4, RFC 9110 §4.2.4',
    why: 'node accepts `#`, bytes outside pchar ("[]{}|\\^`), invalid pct-encoding, any URI scheme, userinfo, `*` with any method and `*x`; we accept only pchar paths, VCHAR-minus-# queries, http(s) absolute-form without userinfo, `*` only for OPTIONS',
    applies: weReject('INVALID_TARGET'),
  },
  {
    name: 'request-line-whitespace',
    rfc: 'RFC 9112 §3',
    why: 'node accepts several SP between method, target and version; we require exactly one SP',
    applies: weReject('INVALID_REQUEST_LINE'),
  },
  {
    name: 'bare-lf-empty-line',
    rfc: 'RFC 9112 §2.2',
    why: 'node ignores a bare LF as an empty line before a request-line (or at the end of the input); we accept only CRLF everywhere',
    applies: (d) =>
      d.ours.error === 'INVALID_LINE_ENDING' && (d.kind === 'we-reject' || (d.kind === 'outcome' && !d.node.rejected)),
  },
  {
    name: 'host-validation',
    rfc: 'RFC 9112 §3.2',
    why: 'node does not validate the Host value nor reject a second Host field line; we answer 400 as §3.2 requires',
    applies: weReject('INVALID_HOST', 'DUPLICATE_HOST'),
  },
  {
    name: 'transfer-coding',
    rfc: 'RFC 9112 §6.1, §6.3',
    why: 'node passes codings other than chunked (gzip, chunked) through, accepts an empty Transfer-Encoding and Transfer-Encoding in HTTP/1.0; we answer 501 for unknown codings and 400 for the others',
    applies: weReject('UNSUPPORTED_TRANSFER_ENCODING', 'INVALID_TRANSFER_ENCODING'),
  },
  {
    name: 'http-version',
    rfc: 'RFC 9110 §6.2, §15.6.6',
    why: 'node accepts HTTP/0.9 and HTTP/2.0 request-lines as HTTP/1.x; we answer 505',
    applies: weReject('UNSUPPORTED_VERSION'),
  },
  {
    name: 'higher-minor-version',
    rfc: 'RFC 9110 §2.5, RFC 9112 §2.3',
    why: 'node rejects HTTP/1.2 to HTTP/1.9 with 400; a higher minor version of HTTP/1 SHOULD be processed as the highest one we implement, so we take it as HTTP/1.1',
    applies: (d) => d.kind === 'we-accept' && /^[^\r\n]* HTTP\/1\.[2-9]\r\n/m.test(d.input),
  },
  {
    name: 'numeral-length',
    rfc: 'RFC 9110 §8.6, RFC 9112 §7.1',
    why: 'we bound Content-Length to 15 digits and chunk-size to 15 hex digits (leading zeros included) to rule out overflow; node only checks the value',
    applies: (d) =>
      weReject('INVALID_CONTENT_LENGTH', 'INVALID_CHUNK_SIZE')(d) && /(?:Content-Length:\s*|\r\n)0*[0-9a-fA-F]{16,}/i.test(d.input),
  },
  {
    name: 'chunk-extension-grammar',
    rfc: 'RFC 9112 §7.1.1',
    why: 'node accepts a chunk extension `name=` without a value; we require token or quoted-string after `=`',
    applies: weReject('INVALID_CHUNK_EXTENSION'),
  },
  {
    name: 'dangling-cr-at-eof',
    rfc: 'RFC 9112 §2.2',
    why: 'node closes silently when the input ends after a lone CR between messages; we report INCOMPLETE_MESSAGE (nothing is delivered either way)',
    applies: (d) => d.kind === 'outcome' && d.ours.error === 'INCOMPLETE_MESSAGE' && /\r$/.test(d.input) && !d.node.rejected,
  },
  {
    name: 'unknown-method',
    rfc: 'RFC 9110 §9.1',
    why: 'node rejects methods it does not know (and lower-case ones); a method is any token, and unknown ones are answered 501 by the application',
    applies: (d) => d.kind === 'we-accept' && !NODE_METHODS.has(d.ours.msgs[d.index]!.method),
  },
  {
    name: 'chunk-extension-bws',
    rfc: 'RFC 9112 §7.1.1',
    why: 'the chunk-ext grammar allows BWS around ";" and "=" ("5 ; a = b"); node rejects whitespace in the chunk-size line',
    applies: (d) => d.kind === 'we-accept' && d.ours.msgs[d.index]!.headers.some(([n]) => n === 'transfer-encoding') &&
      /\r\n[0-9a-fA-F]+(?:[ \t]+;|;[^\r\n]*[ \t])/.test(d.input),
  },
  {
    name: 'content-length-list',
    rfc: 'RFC 9110 §8.6',
    why: 'node rejects a Content-Length list of identical values ("5, 5") and repeated identical Content-Length fields; §8.6 allows accepting them as one value',
    applies: (d) => {
      if (d.kind !== 'we-accept') return false
      const values = d.ours.msgs[d.index]!.headers.filter(([n]) => n === 'content-length').map(([, v]) => v)
      return values.length > 1 || values.some((v) => v.includes(','))
    },
  },
]

/** The first disagreement between the two sides, or null when they agree. */
function compare(input: string, o: ReturnType<typeof ours>, n: Observed): Disagreement | null {
  // node:http stops at the message where we stop because of `Connection: close` / HTTP/1.0.
  const nodeView: Observed = o.cutAt >= 0 && n.msgs.length >= o.cutAt ? { msgs: n.msgs.slice(0, o.cutAt), rejected: false, detail: n.detail } : n
  const count = Math.max(o.msgs.length, nodeView.msgs.length)
  for (let i = 0; i < count; i++) {
    const a = o.msgs[i]
    const b = nodeView.msgs[i]
    if (a && b) {
      if (JSON.stringify(a) !== JSON.stringify(b)) return { input, ours: o, node: n, index: i, kind: 'fields' }
    } else {
      return { input, ours: o, node: n, index: i, kind: a ? 'we-accept' : 'we-reject' }
    }
  }
  if (o.rejected !== nodeView.rejected) return { input, ours: o, node: n, index: count, kind: 'outcome' }
  return null
}

/** Classifies a disagreement; null when no documented exception explains it. */
function classify(d: Disagreement): string | null {
  return EXCEPTIONS.find((e) => e.applies(d))?.name ?? null
}

/** Runs one input on both sides: 'agree', an exception name, or a description of an unexplained disagreement. */
async function verdict(input: string): Promise<string> {
  const o = ours(input)
  const n = await node(input)
  const d = compare(input, o, n)
  if (d === null) return 'agree'
  return classify(d) ?? `UNEXPLAINED ${d.kind}#${d.index}: ours=${o.detail} node=${n.detail} input=${JSON.stringify(input)} ours=${JSON.stringify(o.msgs[d.index])} node=${JSON.stringify(n.msgs[d.index])}`
}

const H = 'Host: h\r\n'
const CHUNKED = `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n`

describe('differential: RequestParser vs node:http', () => {
  test('every documented exception names its RFC section', () => {
    for (const e of EXCEPTIONS) {
      expect(e.rfc).toMatch(/^RFC \d{4} §/)
      expect(e.why.length).toBeGreaterThan(20)
    }
  })

  const shapes: [string, string, string][] = [
    ['simple GET', `GET /a?b=c HTTP/1.1\r\n${H}\r\n`, 'agree'],
    ['POST with Content-Length', `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabc`, 'agree'],
    ['chunked with trailers', `${CHUNKED}3;a=b\r\nabc\r\n0\r\nT: 1\r\n\r\n`, 'agree'],
    ['pipelined', `GET /1 HTTP/1.1\r\n${H}\r\nGET /2 HTTP/1.1\r\n${H}\r\n`, 'agree'],
    ['HTTP/1.0 keep-alive pipelined', `GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n`, 'agree'],
    ['empty lines before the request-line', `\r\n\r\nGET / HTTP/1.1\r\n${H}\r\n`, 'agree'],
    ['absolute-form', `GET http://a.example:8080/x HTTP/1.1\r\n${H}\r\n`, 'agree'],
    ['obs-text in a value', `GET / HTTP/1.1\r\n${H}X: caf\xe9\r\n\r\n`, 'agree'],
    ['CL.TE', `POST / HTTP/1.1\r\n${H}Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX`, 'agree'],
    ['TE.CL', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n`, 'agree'],
    ['chunked, identity', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`, 'agree'],
    ['Transfer-Encoding : chunked', `POST / HTTP/1.1\r\n${H}Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n`, 'agree'],
    ['Content-Length: +5', `POST / HTTP/1.1\r\n${H}Content-Length: +5\r\n\r\nhello`, 'agree'],
    ['Content-Length: 0x5', `POST / HTTP/1.1\r\n${H}Content-Length: 0x5\r\n\r\nhello`, 'agree'],
    ['Content-Length: 5, 6', `POST / HTTP/1.1\r\n${H}Content-Length: 5, 6\r\n\r\nhello!`, 'agree'],
    ['chunk-size 0x5', `${CHUNKED}0x5\r\nhello\r\n0\r\n\r\n`, 'agree'],
    ['chunk-size -1', `${CHUNKED}-1\r\nhello\r\n0\r\n\r\n`, 'agree'],
    ['chunk-size of 17 f', `${CHUNKED}fffffffffffffffff\r\nhello\r\n0\r\n\r\n`, 'agree'],
    ['missing CRLF after chunk data', `${CHUNKED}5\r\nhelloX\r\n0\r\n\r\n`, 'agree'],
    ['NUL in a value', `GET / HTTP/1.1\r\n${H}X: a\x00b\r\n\r\n`, 'agree'],
    ['obs-fold', `GET / HTTP/1.1\r\n${H}X: a\r\n b\r\n\r\n`, 'agree'],
    ['bare LF line endings', `GET / HTTP/1.1\n${H}\n`, 'agree'],
    ['bare LF after a field', `GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n`, 'agree'],
    ['trailing space in the request-line', `GET / HTTP/1.1 \r\n${H}\r\n`, 'agree'],
    ['missing Host', `GET / HTTP/1.1\r\n\r\n`, 'agree'],
    ['lower-case get', `get / HTTP/1.1\r\n${H}\r\n`, 'unknown-method'],
    ['extension method', `FOO / HTTP/1.1\r\n${H}\r\n`, 'unknown-method'],
    ['GET  / HTTP/1.1', `GET  / HTTP/1.1\r\n${H}\r\n`, 'request-line-whitespace'],
    ['* with GET', `GET * HTTP/1.1\r\n${H}\r\n`, 'strict-request-target'],
    ['fragment', `GET /a#b HTTP/1.1\r\n${H}\r\n`, 'strict-request-target'],
    ['non-pchar path bytes', `GET /a[b]|{} HTTP/1.1\r\n${H}\r\n`, 'strict-request-target'],
    ['userinfo', `GET http://u@a.example/ HTTP/1.1\r\n${H}\r\n`, 'strict-request-target'],
    ['duplicate Host', `GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n`, 'host-validation'],
    ['invalid Host', `GET / HTTP/1.1\r\nHost: a b\r\n\r\n`, 'host-validation'],
    ['gzip, chunked', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`, 'transfer-coding'],
    ['Transfer-Encoding in HTTP/1.0', `POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 'transfer-coding'],
    ['HTTP/2.0 request-line', `GET / HTTP/2.0\r\n${H}\r\n`, 'http-version'],
    ['HTTP/1.2 request-line', `GET / HTTP/1.2\r\n${H}\r\n`, 'higher-minor-version'],
    ['absolute-form with an invalid IPv6 literal', `GET http://[4712::abcd::]/ HTTP/1.1\r\n${H}\r\n`, 'strict-request-target'],
    ['Host with an invalid IPv6 literal', `GET / HTTP/1.1\r\nHost: [4712::abcd::]\r\n\r\n`, 'host-validation'],
    ['duplicate equal Content-Length', `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc`, 'content-length-list'],
    ['Content-Length: 3, 3', `POST / HTTP/1.1\r\n${H}Content-Length: 3, 3\r\n\r\nabc`, 'content-length-list'],
    ['16-digit Content-Length', `POST / HTTP/1.1\r\n${H}Content-Length: 0000000000000003\r\n\r\nabc`, 'numeral-length'],
    ['chunk extension without value', `${CHUNKED}3;a=\r\nabc\r\n0\r\n\r\n`, 'chunk-extension-grammar'],
    ['bare LF empty line first', `\nGET / HTTP/1.1\r\n${H}\r\n`, 'bare-lf-empty-line'],
    ['lone CR at the end', `GET / HTTP/1.1\r\n${H}\r\n\r`, 'dangling-cr-at-eof'],
    ['chunk extension with BWS', `${CHUNKED}3 ; a = b\r\nabc\r\n0\r\n\r\n`, 'chunk-extension-bws'],
  ]

  test('every documented exception is demonstrated by a hand-picked shape', () => {
    const shown = new Set(shapes.map(([, , v]) => v))
    expect(EXCEPTIONS.map((e) => e.name).filter((n) => !shown.has(n))).toEqual([])
  })
  test.each(shapes.map(([name, input, expected]) => [name, expected, input] as const))('%s: %s', async (_name, expected, input) => {
    expect(await verdict(input)).toBe(expected)
  })

  test('generated valid requests: full agreement', async () => {
    const models = fc.sample(fc.array(requestModel({ nodeCompatible: true }), { minLength: 1, maxLength: 2 }), { numRuns: 50, seed: 9112 })
    const results: string[] = []
    for (const m of models) results.push(await verdict(m.map(serialize).join('')))
    expect(results.filter((r) => r !== 'agree')).toEqual([])
  })

  /** Runs inputs on both sides; returns the tally of verdicts and the unexplained ones. */
  async function tallyOf(inputs: string[]): Promise<{ tally: Map<string, number>; unexplained: string[] }> {
    const tally = new Map<string, number>()
    const unexplained: string[] = []
    for (const input of inputs) {
      const v = await verdict(input)
      if (v.startsWith('UNEXPLAINED')) unexplained.push(v)
      const key = v.startsWith('UNEXPLAINED') ? 'unexplained' : v
      tally.set(key, (tally.get(key) ?? 0) + 1)
    }
    return { tally, unexplained }
  }

  test('generated mutated requests: agreement or a documented exception', async () => {
    const cases = fc.sample(
      fc.tuple(fc.array(requestModel({ nodeCompatible: true }), { minLength: 1, maxLength: 2 }), fc.array(mutation, { minLength: 1, maxLength: 2 })),
      { numRuns: 70, seed: 9110 },
    )
    const { tally, unexplained } = await tallyOf(cases.map(([models, edits]) => mutate(models.map(serialize).join(''), edits)))
    expect(unexplained).toEqual([])
    // The mutations must mostly produce agreement, not a pile of exceptions.
    expect(tally.get('agree') ?? 0).toBeGreaterThan(cases.length / 2)
  })

  test('requests from the full generator (any token method, wider target alphabet, BWS), some mutated', async () => {
    const cases = fc.sample(
      fc.tuple(fc.array(requestModel(), { minLength: 1, maxLength: 2 }), fc.array(mutation, { maxLength: 1 })),
      { numRuns: 50, seed: 9113 },
    )
    const { unexplained } = await tallyOf(cases.map(([models, edits]) => mutate(models.map(serialize).join(''), edits)))
    expect(unexplained).toEqual([])
  })
})

describe('differential through a real tinyhttp server (createApp)', () => {
  /** What the app's middleware saw (no trailers: the app does not expose them) and the response statuses. */
  async function viaApp(input: string): Promise<{ msgs: Msg[]; statuses: string[] }> {
    const seen: Msg[] = []
    appSeen = seen
    const statuses = statusesOf(await exchange(appPort, input))
    return { msgs: seen, statuses }
  }
  const withoutTrailers = (msgs: Msg[]): Msg[] => msgs.map((m) => ({ ...m, trailers: [] }))

  test('generated valid requests: the app sees what node:http sees', async () => {
    const models = fc.sample(fc.array(requestModel({ nodeCompatible: true }), { minLength: 1, maxLength: 2 }), { numRuns: 40, seed: 7230 })
    const mismatches: string[] = []
    for (const m of models) {
      const input = m.map(serialize).join('')
      const [viaTiny, viaNode] = [await viaApp(input), await node(input)]
      const expectedMsgs = withoutTrailers(ours(input).msgs)
      if (JSON.stringify(withoutTrailers(viaNode.msgs)) !== JSON.stringify(expectedMsgs) || JSON.stringify(viaTiny.msgs) !== JSON.stringify(expectedMsgs)) {
        mismatches.push(JSON.stringify({ input, app: viaTiny.msgs, node: viaNode.msgs }))
      }
      if (viaTiny.statuses.some((st) => st !== '200')) mismatches.push(`app answered ${viaTiny.statuses.join(',')} to ${JSON.stringify(input)}`)
    }
    expect(mismatches).toEqual([])
  })

  const rejections: [string, string, ParseErrorCode][] = [
    ['HTTP/2.0', `GET / HTTP/2.0\r\n${H}\r\n`, 'UNSUPPORTED_VERSION'],
    ['gzip, chunked', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`, 'UNSUPPORTED_TRANSFER_ENCODING'],
    ['9000-byte request-line', `GET /${'a'.repeat(9000)} HTTP/1.1\r\n${H}\r\n`, 'REQUEST_LINE_TOO_LONG'],
    ['101 header fields', `GET / HTTP/1.1\r\n${H}${'X: y\r\n'.repeat(100)}\r\n`, 'TOO_MANY_HEADERS'],
    ['17 KiB header section', `GET / HTTP/1.1\r\n${H}X: ${'v'.repeat(17_000)}\r\n\r\n`, 'HEADERS_TOO_LARGE'],
    ['CL.TE', `POST / HTTP/1.1\r\n${H}Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX`, 'CL_TE_CONFLICT'],
    ['obs-fold', `GET / HTTP/1.1\r\n${H}X: a\r\n b\r\n\r\n`, 'OBS_FOLD'],
    ['bare LF', `GET / HTTP/1.1\n${H}\n`, 'INVALID_LINE_ENDING'],
    ['missing Host', `GET / HTTP/1.1\r\n\r\n`, 'MISSING_HOST'],
    ['fragment', `GET /a#b HTTP/1.1\r\n${H}\r\n`, 'INVALID_TARGET'],
    ['invalid IPv6 literal in the target', `GET http://[4712::abcd::]/ HTTP/1.1\r\n${H}\r\n`, 'INVALID_TARGET'],
  ]
  test.each(rejections.map(([name, input, code]) => [name, code, input] as const))('%s goes out as the status of %s', async (_name, code, input) => {
    expect(ours(input).error).toBe(code)
    const { msgs, statuses } = await viaApp(input)
    expect(msgs).toEqual([])
    expect(statuses).toEqual([String(PARSE_ERROR_STATUS[code])])
  })
})
