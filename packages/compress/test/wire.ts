// Helpers for the compress tests: decoding a body by its Content-Encoding with node:zlib, and a GET over
// a real socket (node:http as the client, no automatic decoding) against an App on 127.0.0.1:0.
import { request, type IncomingMessage } from 'node:http'
import zlib from 'node:zlib'
import { createApp, type App, type Middleware } from 'tinyhttp-core'

/** Decodes `body` as sent with `Content-Encoding: coding` (undefined: identity). Throws on a broken body. */
export function decode(body: Uint8Array, coding: string | undefined): Buffer {
  if (coding === undefined) return Buffer.from(body)
  if (coding === 'gzip') return zlib.gunzipSync(body)
  if (coding === 'br') return zlib.brotliDecompressSync(body)
  if (coding === 'zstd') {
    const z = zlib as unknown as { zstdDecompressSync?: (b: Uint8Array) => Buffer }
    if (z.zstdDecompressSync === undefined) throw new Error('zstd body on a Node without zstd')
    return z.zstdDecompressSync(body)
  }
  throw new Error(`unexpected Content-Encoding ${coding}`)
}

/** A decoder stream for a Content-Encoding (streamed decoding of events as they arrive). */
export function decoder(coding: string): zlib.Gunzip | zlib.BrotliDecompress {
  if (coding === 'gzip') return zlib.createGunzip()
  if (coding === 'br') return zlib.createBrotliDecompress()
  throw new Error(`no streaming decoder for ${coding} in this test`)
}

/** An App listening on 127.0.0.1 and an ephemeral port. */
export interface Listening {
  app: App
  port: number
  close(): Promise<void>
}

/** Starts an App with this chain on 127.0.0.1:0. */
export async function listen(chain: Array<Middleware<any>>): Promise<Listening> {
  const app = createApp()
  for (const mw of chain) app.use(mw)
  const { port } = await app.listen(0, '127.0.0.1')
  return { app, port, close: () => app.close(500) }
}

/** What a GET over a socket got. */
export interface WireResponse {
  status: number
  headers: IncomingMessage['headers']
  /** The body exactly as framed on the wire (still coded). */
  body: Buffer
}

/** One request (no keep-alive), the whole body collected; rejects after `timeoutMs`. */
export function fetchRaw(port: number, path: string, headers: Record<string, string>, method = 'GET', timeoutMs = 10_000): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false, timeout: timeoutMs }, res => {
      const chunks: Buffer[] = []
      res.on('data', (d: Buffer) => chunks.push(d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)))
    req.on('error', reject)
    req.end()
  })
}

/** Resolves once `check()` is true, polling every 5 ms; rejects after `timeoutMs` with `what`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 5))
  }
}

/** Text that compresses like a real page (repeated words with variation), `n` bytes or a little more. */
export function pageText(n: number): string {
  let s = '<!doctype html><title>t</title>'
  for (let i = 0; s.length < n; i++) s += `<p class="row-${i % 7}">item ${i} of the list, some words that repeat</p>\n`
  return s
}
