// Shared fixture for the over-the-wire acceptance suite: a temporary site, one CLI per test file,
// and tiny raw-socket request helpers (fetch would normalise paths, so everything goes through
// RawClient).
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, expect } from 'vitest'
import { CLI_BIN, cliBuilt, spawnCli, type CliProcess } from '../helpers/cli-process.js'
import { parseByteranges as parseMultipart, type BytesPart } from '../helpers/multipart-parse.js'
import { parseHead, RawClient, rawRequest, type RawResponse } from '../helpers/raw-client.js'

export { cliBuilt, CLI_BIN, RawClient, type CliProcess, type RawResponse }

/** Why a file is skipped when the CLI has not been built. */
export const SKIP_REASON = `tinyhttp-cli is not built (${CLI_BIN} missing): run \`pnpm exec tsc -b\``

/** The 20-byte text file. */
export const FILE_TXT = Buffer.from('0123456789abcdefghij')
/** Marker strings that must never show up in any response body. */
export const SECRET_MARKERS = ['SECRET-IN-ROOT-7f3a', 'SECRET-SIBLING-91c2', 'SECRET-OUTSIDE-4be0', 'SECRET-ENV-0d17', 'SECRET-HIDDEN-55aa', 'SECRET-PRIVATE-c3c3', 'SECRET-JS-a1b2']
export const INDEX_HTML = Buffer.from('<!doctype html><title>root index</title><p>root index</p>\n')
export const SUB_INDEX_HTML = Buffer.from('<!doctype html><title>sub index</title><p>sub index</p>\n')
export const SUB_PAGE_HTML = Buffer.from('<!doctype html><title>sub page</title><p>sub page</p>\n')
export const STYLE_CSS = Buffer.from('body { color: #123456; }\n')
export const SPACE_TXT = Buffer.from('a file with a space in its name\n')
/** NFC spelling of the unicode file name. */
export const UNICODE_NAME = 'ünïcödé.txt'.normalize('NFC')
export const UNICODE_TXT = Buffer.from('unicode file name contents\n')
export const APP_JS = Buffer.from(`// app.js\n${'export const answer = 42; // filler to make compression worthwhile\n'.repeat(40)}`)
export const APP_JS_GZ = gzipSync(APP_JS, { level: 9 })
export const APP_JS_BR = brotliCompressSync(APP_JS, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } })
/** mtime of every fixture file (seconds): 2024-03-05T06:07:08Z. */
export const FIXTURE_MTIME = Date.UTC(2024, 2, 5, 6, 7, 8) / 1000
/** {@link FIXTURE_MTIME} as an IMF-fixdate. */
export const FIXTURE_LM = new Date(FIXTURE_MTIME * 1000).toUTCString()
/** 5 MiB of deterministic bytes. */
export const BIG = makeBig(5 * 1024 * 1024)
export const BIG_SHA256 = sha256(BIG)

/**
 * The `--allow` entries of the held-out suite: the served files plus `link.txt`, a symlink that
 * leaves the root (the CLI must start, refuse that entry and answer 403 for it).
 */
export const ALLOW_WITH_SYMLINK = ['index.html', 'style.css', 'file.txt', 'sub/index.html', 'sub/page.html', 'big.bin', 'empty.txt', 'space name.txt', UNICODE_NAME, 'app.js', 'link.txt']
/**
 * The entries the topic files start their CLI with: {@link ALLOW_WITH_SYMLINK} minus `link.txt`, so
 * that a start-up refusal of the symlink entry (checked on its own in allowlist.test.ts) does not
 * mask every other check.
 */
export const ALLOW = ALLOW_WITH_SYMLINK.filter(e => e !== 'link.txt')

function makeBig(size: number): Buffer {
  const out = Buffer.alloc(size)
  // xorshift32: deterministic, not compressible, cheap.
  let x = 0x9e3779b9
  for (let i = 0; i < size; i += 4) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    out.writeUInt32LE(x, i)
  }
  return out
}

/** Hex sha-256 of bytes. */
export function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex')
}

/** Percent-encodes every byte of a path segment outside the unreserved set (UTF-8). */
export function encodeSegment(s: string): string {
  return encodeURIComponent(s)
}

/** A fixture site on disk. */
export interface Site {
  /** Parent temp folder (holds the root, the sibling `-secret` folder and `outside.txt`). */
  base: string
  /** The served root. */
  root: string
  cleanup(): void
}

/**
 * Writes the fixture site into a fresh temp dir:
 * root/{index.html, style.css, file.txt, sub/index.html, sub/page.html, big.bin, empty.txt,
 * "space name.txt", ünïcödé.txt, .env, .hidden/x.txt, secret.txt, private/s.txt, app.js(+.gz,.br),
 * secret.js(+.gz), link.txt → ../outside.txt}, plus `<root>-secret/secret.txt`, `<root>secret/s.txt`
 * and `outside.txt` next to the root.
 */
export function makeSite(): Site {
  const base = mkdtempSync(join(tmpdir(), 'tinyhttp-acceptance-'))
  const root = join(base, 'www')
  mkdirSync(join(root, 'sub'), { recursive: true })
  mkdirSync(join(root, '.hidden'))
  mkdirSync(join(root, 'private'))
  writeFileSync(join(root, 'index.html'), INDEX_HTML)
  writeFileSync(join(root, 'style.css'), STYLE_CSS)
  writeFileSync(join(root, 'file.txt'), FILE_TXT)
  writeFileSync(join(root, 'sub', 'index.html'), SUB_INDEX_HTML)
  writeFileSync(join(root, 'sub', 'page.html'), SUB_PAGE_HTML)
  writeFileSync(join(root, 'big.bin'), BIG)
  writeFileSync(join(root, 'empty.txt'), Buffer.alloc(0))
  writeFileSync(join(root, 'space name.txt'), SPACE_TXT)
  writeFileSync(join(root, UNICODE_NAME), UNICODE_TXT)
  writeFileSync(join(root, '.env'), `TOKEN=${SECRET_MARKERS[3]}\n`)
  writeFileSync(join(root, '.hidden', 'x.txt'), `${SECRET_MARKERS[4]}\n`)
  writeFileSync(join(root, 'secret.txt'), `${SECRET_MARKERS[0]}\n`)
  writeFileSync(join(root, 'private', 's.txt'), `${SECRET_MARKERS[5]}\n`)
  writeFileSync(join(root, 'app.js'), APP_JS)
  writeFileSync(join(root, 'app.js.gz'), APP_JS_GZ)
  writeFileSync(join(root, 'app.js.br'), APP_JS_BR)
  const secretJs = Buffer.from(`// ${SECRET_MARKERS[6]}\n`)
  writeFileSync(join(root, 'secret.js'), secretJs)
  writeFileSync(join(root, 'secret.js.gz'), gzipSync(secretJs))
  writeFileSync(join(base, 'outside.txt'), `${SECRET_MARKERS[2]}\n`)
  symlinkSync('../outside.txt', join(root, 'link.txt'))
  mkdirSync(join(base, 'www-secret'))
  writeFileSync(join(base, 'www-secret', 'secret.txt'), `${SECRET_MARKERS[1]}\n`)
  mkdirSync(join(base, 'wwwsecret'))
  writeFileSync(join(base, 'wwwsecret', 's.txt'), `${SECRET_MARKERS[1]}\n`)
  // Every file gets the same mtime, well in the past, so Last-Modified is a strong validator
  // (RFC 9110 §8.8.2.2) and date comparisons are deterministic.
  for (const f of ['index.html', 'style.css', 'file.txt', 'sub/index.html', 'sub/page.html', 'big.bin', 'empty.txt', 'space name.txt', UNICODE_NAME, '.env', '.hidden/x.txt', 'secret.txt', 'private/s.txt', 'app.js', 'app.js.gz', 'app.js.br', 'secret.js', 'secret.js.gz']) {
    utimesSync(join(root, f), FIXTURE_MTIME, FIXTURE_MTIME)
  }
  return { base, root, cleanup: () => rmSync(base, { recursive: true, force: true }) }
}

/** Argument list for the CLI on a site: root, port 0, host, every allow entry, then extras. */
export function cliArgs(root: string, extra: string[] = [], allow: readonly string[] = ALLOW): string[] {
  const args = [root, '--port', '0', '--host', '127.0.0.1']
  for (const a of allow) args.push('--allow', a)
  return [...args, '--quiet', ...extra]
}

/** A started fixture: the site and its CLI. */
export interface Served {
  site: Site
  cli: CliProcess
  port: number
  stop(): Promise<void>
}

/** Creates the site and starts one CLI on it. */
export async function serve(extra: string[] = [], allow: readonly string[] = ALLOW): Promise<Served> {
  const site = makeSite()
  let cli: CliProcess
  try {
    cli = await spawnCli(cliArgs(site.root, extra, allow))
  } catch (err) {
    site.cleanup()
    throw err
  }
  return {
    site,
    cli,
    port: cli.port,
    async stop() {
      await cli.stop()
      site.cleanup()
    },
  }
}

/**
 * One CLI for a whole `describe` block: started before all its tests (with the ETag of `/file.txt`
 * read once), stopped after them. Read `suite.s` and `suite.etag` inside the tests.
 */
export function serveForSuite(extra: string[] = []): { readonly s: Served; readonly etag: string } {
  const suite = { s: undefined as unknown as Served, etag: '' }
  beforeAll(async () => {
    suite.s = await serve(extra)
    suite.etag = h(await request(suite.s.port, 'GET', '/file.txt'), 'etag') ?? ''
  })
  afterAll(async () => {
    await suite.s?.stop()
  })
  return suite
}

/** Builds a raw HTTP/1.1 request (CRLF, Host added unless `host: null`). */
export function req(method: string, target: string, headers: Record<string, string> | Array<[string, string]> = {}, options: { host?: string | null; version?: string; close?: boolean } = {}): string {
  const lines = [`${method} ${target} ${options.version ?? 'HTTP/1.1'}`]
  if (options.host !== null) lines.push(`Host: ${options.host ?? 'localhost'}`)
  const list = Array.isArray(headers) ? headers : Object.entries(headers)
  for (const [k, v] of list) lines.push(`${k}: ${v}`)
  if (options.close === true) lines.push('Connection: close')
  return lines.join('\r\n') + '\r\n\r\n'
}

/** Sends raw bytes on a fresh connection and reads one response. */
export const send = rawRequest

/** GET/HEAD/… a target with headers on a fresh connection. */
export function request(port: number, method: string, target: string, headers: Record<string, string> | Array<[string, string]> = {}): Promise<RawResponse> {
  return send(port, req(method, target, headers), { head: method === 'HEAD' })
}

/** First value of a header (lower-cased name), or undefined. */
export function h(res: RawResponse, name: string): string | undefined {
  return res.headers.get(name.toLowerCase())?.[0]
}

/** All values of a header joined with ", " (list-valued fields), or undefined. */
export function hAll(res: RawResponse, name: string): string | undefined {
  const v = res.headers.get(name.toLowerCase())
  return v === undefined ? undefined : v.join(', ')
}

/** Comma-split, trimmed, lower-cased tokens of a list header. */
export function tokens(res: RawResponse, name: string): string[] {
  return (hAll(res, name) ?? '').split(',').map(s => s.trim().toLowerCase()).filter(s => s !== '')
}

/** Status line + headers + body, for assertion messages. */
export function show(res: RawResponse): string {
  const body = res.body.length > 200 ? `${res.body.subarray(0, 200).toString('latin1')}…(${res.body.length} bytes)` : res.body.toString('latin1')
  return `${res.rawHead}\n\n${body}`
}

/** Asserts that no secret marker appears in a body. */
export function expectNoSecrets(body: Buffer, what = ''): void {
  const text = body.toString('latin1')
  for (const m of SECRET_MARKERS) expect(text.includes(m), `${what}: secret ${m} leaked`).toBe(false)
}

/** Asserts the server still answers a normal GET on a new connection (no crash after a vector). */
export async function expectAlive(port: number, what = ''): Promise<void> {
  let res: RawResponse
  try {
    res = await request(port, 'GET', '/file.txt')
  } catch (err) {
    throw new Error(`server not answering after ${what}: ${String(err)}`)
  }
  expect(res.status, `server alive after ${what}`).toBe(200)
  expect(res.body.equals(FILE_TXT), `file.txt intact after ${what}`).toBe(true)
}

/** Number of open fds of a process (Linux /proc). */
export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length
}

/** Sleeps. */
export function sleep(ms: number): Promise<void> {
  return new Promise(r => setTimeout(r, ms))
}

/** Parses a multipart/byteranges body of any server (a preamble and an epilogue are allowed, RFC 2046). */
export function parseByteranges(body: Buffer, boundary: string): BytesPart[] {
  return parseMultipart(body, boundary, { strict: false })
}

/** A response read with a chunk list (no quadratic concatenation): for large bodies. */
export interface Download {
  status: number
  headers: Map<string, string[]>
  rawHead: string
  body: Buffer
}

/**
 * Sends one request on a fresh connection and reads one Content-Length-framed response efficiently.
 *
 * @param port - server port
 * @param data - raw request bytes
 * @param timeoutMs - overall bound
 */
export function download(port: number, data: string, timeoutMs = 15_000): Promise<Download> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' })
    const chunks: Buffer[] = []
    let have = 0
    let head: { status: number; headers: Map<string, string[]>; rawHead: string; bodyStart: number; length: number } | null = null
    let pending = Buffer.alloc(0)
    const timer = setTimeout(() => finish(new Error(`download timed out: ${head === null ? 'no head' : `${have}/${head.length} bytes`}`)), timeoutMs)
    const finish = (err: Error | null, value?: Download): void => {
      clearTimeout(timer)
      socket.destroy()
      if (err !== null) reject(err)
      else resolve(value as Download)
    }
    socket.on('error', err => finish(err))
    socket.on('close', () => finish(new Error(`connection closed early: ${head === null ? 'no head' : `${have}/${head.length} bytes`}`)))
    socket.on('connect', () => socket.write(Buffer.from(data, 'latin1')))
    socket.on('data', (chunk: Buffer) => {
      if (head === null) {
        pending = Buffer.concat([pending, chunk])
        const end = pending.indexOf('\r\n\r\n')
        if (end === -1) return
        const rawHead = pending.subarray(0, end).toString('latin1')
        const { status, headers } = parseHead(rawHead)
        const cl = headers.get('content-length')?.[0]
        if (cl === undefined) return finish(new Error(`no Content-Length: ${rawHead}`))
        head = { status, headers, rawHead, bodyStart: end + 4, length: Number(cl) }
        chunk = pending.subarray(end + 4)
      }
      chunks.push(chunk)
      have += chunk.length
      if (have >= head.length) {
        const body = Buffer.concat(chunks)
        finish(null, { status: head.status, headers: head.headers, rawHead: head.rawHead, body: body.subarray(0, head.length) })
      }
    })
  })
}

/**
 * Sends one request and returns only the response head (the connection is then destroyed):
 * for checks on huge or abusive responses without reading their bodies.
 */
export function headOnly(port: number, data: string, timeoutMs = 5000): Promise<{ status: number; headers: Map<string, string[]>; rawHead: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' })
    let buf = Buffer.alloc(0)
    const timer = setTimeout(() => done(new Error(`no head within ${timeoutMs} ms: ${JSON.stringify(buf.toString('latin1'))}`)), timeoutMs)
    const done = (err: Error | null, v?: { status: number; headers: Map<string, string[]>; rawHead: string }): void => {
      clearTimeout(timer)
      socket.destroy()
      if (err !== null) reject(err)
      else resolve(v!)
    }
    socket.on('error', err => done(err))
    socket.on('close', () => done(new Error(`closed before a head: ${JSON.stringify(buf.toString('latin1'))}`)))
    socket.on('connect', () => socket.write(Buffer.from(data, 'latin1')))
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      const end = buf.indexOf('\r\n\r\n')
      if (end === -1) return
      const rawHead = buf.subarray(0, end).toString('latin1')
      const { status, headers } = parseHead(rawHead)
      done(null, { status, headers, rawHead })
    })
  })
}

/** Strips the Date line from a raw head (for byte-identity comparisons). */
export function withoutDate(rawHead: string): string {
  return rawHead.split('\r\n').filter(l => !/^date:/i.test(l)).join('\r\n')
}

/** Title of a topic's describe block, with the skip reason when the CLI is missing. */
export function topic(name: string): string {
  return cliBuilt() ? `acceptance: ${name}` : `acceptance: ${name} — SKIPPED: ${SKIP_REASON}`
}

/** The strong entity-tag syntax of RFC 9110 §8.8.3 (no W/ prefix). */
export const STRONG_ETAG = /^"[\x21\x23-\x7e\x80-\xff]*"$/
/** IMF-fixdate (RFC 9110 §5.6.7). */
export const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/
