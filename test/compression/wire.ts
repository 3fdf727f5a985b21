/**
 * What the compression wire tests share: the codings this Node can decode, a raw GET with an
 * `Accept-Encoding`, decoding with node:zlib, and a bounded wait until the server has made a variant.
 *
 * @module
 */
import * as zlib from 'node:zlib'
import { send, type WireResponse } from '../helpers/wire.js'
import { sleep, startCli } from '../cli/helpers.js'
import type { Site } from './fixture.js'

/** A content coding the server may answer with. */
export type Coding = 'br' | 'zstd' | 'gzip'

/** Whether this Node has zstd (Node 20 has not: then the server must not offer it). */
export const HAS_ZSTD = typeof (zlib as Record<string, unknown>).zstdCompress === 'function'

/** The codings the server can make on this Node, in its preference order. */
export const CODINGS: readonly Coding[] = HAS_ZSTD ? ['br', 'zstd', 'gzip'] : ['br', 'gzip']

/**
 * Decodes a body by its content coding with node:zlib (throws on a broken body).
 *
 * @param body - the bytes on the wire
 * @param coding - the `Content-Encoding` (undefined = identity)
 * @returns the decoded bytes
 * @example
 * ```ts
 * decode(r.body, r.header('content-encoding'))
 * ```
 */
export function decode(body: Buffer, coding: string | undefined): Buffer {
  if (coding === undefined) return body
  if (coding === 'br') return zlib.brotliDecompressSync(body)
  if (coding === 'gzip') return zlib.gunzipSync(body)
  if (coding === 'zstd') {
    const z = (zlib as unknown as Record<string, (b: Buffer) => Buffer>).zstdDecompressSync
    if (z === undefined) throw new Error('zstd body, but this Node cannot decode zstd (and never asked for it)')
    return z(body)
  }
  throw new Error(`unexpected Content-Encoding ${JSON.stringify(coding)}`)
}

/**
 * One request on a fresh connection, with `Accept-Encoding` when given.
 *
 * @param port - the CLI's port
 * @param method - GET or HEAD
 * @param path - the request-target
 * @param acceptEncoding - the `Accept-Encoding` value; undefined sends none
 * @param headers - more header fields
 * @returns the response as read off the socket
 * @example
 * ```ts
 * const r = await fetchRaw(port, 'GET', '/app.js', 'br')
 * ```
 */
export function fetchRaw(port: number, method: string, path: string, acceptEncoding?: string, headers: Record<string, string> = {}): Promise<WireResponse> {
  return send(port, method, path, acceptEncoding === undefined ? headers : { 'Accept-Encoding': acceptEncoding, ...headers })
}

/**
 * Whether the response says it varies by `Accept-Encoding` (token match over every `Vary` line).
 *
 * @param r - the response
 * @returns true when `Vary` names `Accept-Encoding` (or is `*`)
 * @example
 * ```ts
 * expect(varies(r)).toBe(true)
 * ```
 */
export function varies(r: WireResponse): boolean {
  const vary = r.header('vary')
  if (vary === undefined) return false
  return vary.split(',').some(t => ['accept-encoding', '*'].includes(t.trim().toLowerCase()))
}

/**
 * The variant ETag the contract gives: the identity ETag with `-<coding>` inside the quotes.
 *
 * @param identity - the identity ETag, e.g. `"abc"`
 * @param coding - the coding
 * @returns e.g. `"abc-br"`
 * @example
 * ```ts
 * variantTag('"abc"', 'br') // '"abc-br"'
 * ```
 */
export function variantTag(identity: string, coding: Coding): string {
  if (!/^"[^"]*"$/.test(identity)) throw new Error(`not a strong ETag: ${identity}`)
  return `${identity.slice(0, -1)}-${coding}"`
}

/**
 * Requests `path` with `Accept-Encoding: <coding>` until the server answers in that coding (the
 * variant job has finished), at most `timeoutMs`. Every answer on the way must decode to `expected`
 * when given.
 *
 * @param port - the CLI's port
 * @param path - the URL path
 * @param coding - the coding to wait for
 * @param expected - the file's bytes, checked on every answer
 * @param timeoutMs - the bound
 * @returns the first response in that coding
 * @throws when the variant did not appear in time
 * @example
 * ```ts
 * const br = await waitForCoding(cli.port, '/app.js', 'br', fileOf(site, 'app.js'))
 * ```
 */
export async function waitForCoding(port: number, path: string, coding: Coding, expected?: Buffer, timeoutMs = 20_000): Promise<WireResponse> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const r = await fetchRaw(port, 'GET', path, coding)
    const got = r.header('content-encoding')
    if (expected !== undefined && r.status === 200 && !decode(r.body, got).equals(expected)) throw new Error(`${path} (${got ?? 'identity'}) decodes to other bytes than the file`)
    if (got === coding) return r
    last = `${r.status} ${got ?? 'identity'}`
    await sleep(Math.min(50 * 2 ** attempt, 250))
  }
  throw new Error(`no ${coding} variant of ${path} within ${timeoutMs} ms (last answer: ${last})`)
}

/**
 * Starts `tinyhttp-cli <root> --port 0 -q …args` on the site.
 *
 * @param site - from `makeSite`
 * @param args - more CLI arguments
 * @param env - more environment variables (e.g. `DEBUG`)
 * @returns the running CLI (stopped by `killAll` of test/cli/helpers)
 * @example
 * ```ts
 * const cli = await startSite(site, ['--no-compress'])
 * ```
 */
export function startSite(site: Site, args: readonly string[] = [], env: Record<string, string | undefined> = {}): ReturnType<typeof startCli> {
  return startCli([site.root, '--port', '0', '-q', ...args], { cwd: site.cwd, env })
}

/**
 * Waits for every runtime coding of every given path.
 *
 * @param port - the CLI's port
 * @param site - the site (for the expected bytes)
 * @param paths - file names
 * @example
 * ```ts
 * await waitForAll(cli.port, site, ['app.js', 'index.html'])
 * ```
 */
export async function waitForAll(port: number, site: Site, paths: readonly string[]): Promise<void> {
  for (const name of paths) for (const coding of CODINGS) await waitForCoding(port, `/${name}`, coding, site.files.get(name))
}
