/**
 * Compresses a whole file once, off the event loop (zlib's asynchronous API runs in the libuv pool), at
 * the highest quality whose one-time cost is reasonable.
 *
 * @remarks
 * Measured on the build machine (Node 20, one core of a shared 2-core VM; `node packages/static/scripts/compression-cost.mjs`, see the
 * README "Compression" section), one-time CPU per file:
 *
 * | file | br 11 | br 9 | br 5 | gzip 9 |
 * | --- | --- | --- | --- | --- |
 * | 300 KiB JS | 471 ms → 82.8 KB | 40 ms → 89.2 KB | 16 ms → 90.9 KB | 12 ms → 95.3 KB |
 * | 2 MiB JS | 3212 ms → 277.6 KB | 171 ms → 314.1 KB | 59 ms → 332.5 KB | 95 ms → 367.7 KB |
 *
 * Brotli 11 costs about 1.5 ms per KiB: under a second up to 512 KiB, so it is used there; above, 9
 * (about 0.1 ms per KiB, 12 % larger output than 11) up to 4 MiB, then 5.
 *
 * @module
 */
import zlib from 'node:zlib'
import type { ContentCoding } from 'tinyhttp-core'

type Compress = (buf: Buffer, options: object, callback: (err: Error | null, result: Buffer) => void) => void

/** zlib's one-shot compressors; zstd only when this Node has it (22.15+; not on Node 20). */
const zstdCompress = (zlib as unknown as { zstdCompress?: Compress }).zstdCompress
const ZSTD_LEVEL = (zlib.constants as unknown as Record<string, number | undefined>).ZSTD_c_compressionLevel

/**
 * The quality (brotli 0–11, gzip 1–9, zstd level) used for a file of `size` bytes.
 *
 * @param coding - the content coding
 * @param size - the file's size in bytes
 * @returns the level
 * @example
 * ```ts
 * qualityFor('br', 300_000)    // 11
 * qualityFor('br', 2_000_000)  // 9
 * qualityFor('br', 8_000_000)  // 5
 * qualityFor('gzip', 300_000)  // 9
 * qualityFor('zstd', 300_000)  // 19
 * ```
 */
export function qualityFor(coding: ContentCoding, size: number): number {
  if (coding === 'gzip') return 9
  if (coding === 'zstd') return size <= 512 * 1024 ? 19 : 9
  return size <= 512 * 1024 ? 11 : size <= 4 * 1024 * 1024 ? 9 : 5
}

/** Whether brotli should use its text mode for a `Content-Type` (text, scripts, JSON, XML, SVG). */
function isText(contentType: string): boolean {
  return /^(text\/|application\/(javascript|json|xml|.*\+json|.*\+xml)|image\/svg\+xml)/i.test(contentType)
}

function run(fn: Compress, input: Buffer, options: object): Promise<Buffer> {
  return new Promise((resolve, reject) => fn(input, options, (err, out) => (err === null ? resolve(out) : reject(err))))
}

/**
 * Compresses bytes with one coding, asynchronously.
 *
 * @param coding - `br`, `gzip` or `zstd` (rejects when this Node has no zstd)
 * @param input - the file's bytes
 * @param contentType - its `Content-Type` (brotli's text mode for text)
 * @returns the encoded bytes
 * @example
 * ```ts
 * const br = await encodeBytes('br', await readFile('app.js'), 'text/javascript')
 * zlib.brotliDecompressSync(br) // the file
 * ```
 */
export function encodeBytes(coding: ContentCoding, input: Buffer, contentType: string): Promise<Buffer> {
  const level = qualityFor(coding, input.length)
  if (coding === 'gzip') return run(zlib.gzip as unknown as Compress, input, { level })
  if (coding === 'br') {
    const c = zlib.constants
    return run(zlib.brotliCompress as unknown as Compress, input, {
      params: {
        [c.BROTLI_PARAM_QUALITY]: level,
        [c.BROTLI_PARAM_SIZE_HINT]: input.length,
        [c.BROTLI_PARAM_MODE]: isText(contentType) ? c.BROTLI_MODE_TEXT : c.BROTLI_MODE_GENERIC,
      },
    })
  }
  if (zstdCompress === undefined || ZSTD_LEVEL === undefined) return Promise.reject(new Error('zstd is not available in this Node'))
  return run(zstdCompress, input, { params: { [ZSTD_LEVEL]: level } })
}
