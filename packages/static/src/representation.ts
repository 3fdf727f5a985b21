/**
 * One servable file (the original or a precompressed variant): its validators, its bytes when small,
 * and its header blocks prepared once.
 *
 * @module
 */
import type { Stats } from 'node:fs'
import { PreparedHeaders, type ContentCoding } from 'tinyhttp-core'
import type { Validators } from './conditional.js'
import type { BakedBlocks } from './file-headers.js'
import { contentEtag, statEtag, usefulMtime } from './etag.js'
import { closeFile, fstat, openFile, readAt, sameFile } from './fs-ops.js'
import { formatHttpDate } from './http-date.js'

/**
 * The header-related configuration a representation needs.
 *
 * @example
 * ```ts
 * const config: HeaderConfig = { cacheControl: 'no-cache', etag: true, lastModified: true, acceptRanges: true }
 * ```
 */
export interface HeaderConfig {
  readonly cacheControl: string | undefined
  /** `Cache-Control` of `text/html` representations (see `htmlCacheControl`); absent = `cacheControl`. */
  readonly htmlCacheControl?: string | undefined
  readonly etag: boolean
  readonly lastModified: boolean
  readonly acceptRanges: boolean
}

/**
 * Whether a `Content-Type` is an HTML document (`text/html`, any parameters, any case).
 *
 * @param contentType - the `Content-Type`
 * @example
 * ```ts
 * isHtml('text/html; charset=utf-8') // true
 * ```
 */
export function isHtml(contentType: string): boolean {
  return /^text\/html\s*(;|$)/i.test(contentType)
}

/**
 * The `Cache-Control` a representation of this type is sent with (`htmlCacheControl` for HTML).
 *
 * @param contentType - the `Content-Type`
 * @param config - Cache-Control configuration
 * @returns the value, or undefined for none
 * @example
 * ```ts
 * cacheControlOf('text/html; charset=utf-8', { cacheControl: 'public, max-age=60', htmlCacheControl: 'no-cache', etag: true, lastModified: true, acceptRanges: true }) // 'no-cache'
 * ```
 */
export function cacheControlOf(contentType: string, config: HeaderConfig): string | undefined {
  return 'htmlCacheControl' in config && isHtml(contentType) ? config.htmlCacheControl : config.cacheControl
}

/**
 * A file ready to be served. Immutable: a change on disk produces a new one.
 *
 * @example
 * ```ts
 * ctx.res.headers.usePrepared(rep.headers200)
 * ctx.res.body = rep.body ?? new FileBody({ fd, length: rep.size })
 * ```
 */
export interface Representation {
  /** `'identity'` for the original, else the content coding of the variant. */
  readonly encoding: ContentCoding | 'identity'
  /** The realpath to open (inside the root unless symlinks may leave it). */
  readonly real: string
  /** Metadata of the file as it was when this representation was built. */
  readonly stats: Stats
  /** Length in bytes. */
  readonly size: number
  /** The bytes when kept in memory, else null (streamed from a descriptor). */
  readonly body: Buffer | null
  /** `Content-Type` (of the original, for variants too). */
  readonly contentType: string
  /** ETag and Last-Modified as sent. */
  readonly validators: Validators
  /** Headers of a 200/206/HEAD: type, nosniff, encoding, Vary, validators, Cache-Control, Accept-Ranges. */
  readonly headers200: PreparedHeaders
  /** Headers of a 304 (RFC 9110 §15.4.5): ETag, Cache-Control, Vary; Last-Modified only without an ETag. */
  readonly headers304: PreparedHeaders
  /** Headers of a 412/416: only Vary (a cacheable error would be harmful, so no Cache-Control). */
  readonly headersFail: PreparedHeaders
  /** When the file was read or stat-ed for this representation (ms). */
  readonly loadedAt: number
  /** Made at run time from the identity bytes (option `compress`), not read from a file. */
  readonly made: boolean
  /** `headers200` / `headers304` with the option `headers` baked in, for one version of it (null until first served). */
  baked: BakedBlocks | null
}

/**
 * Thrown when the file behind an open descriptor is not the one the decision was made on (TOCTOU).
 *
 * @example
 * ```ts
 * if (fstatResult.ino !== decided.ino) throw new FileChanged(path)
 * ```
 */
export class FileChanged extends Error {
  constructor(file: string) {
    super(`file changed while being served: ${file}`)
    this.name = 'FileChanged'
  }
}

const EMPTY = new PreparedHeaders([])
const VARY = new PreparedHeaders([['Vary', 'Accept-Encoding']])

/**
 * Builds the three header blocks of a representation.
 *
 * @param contentType - the `Content-Type`
 * @param encoding - the content coding
 * @param vary - whether the path has variants (then every response carries `Vary: Accept-Encoding`)
 * @param validators - ETag / Last-Modified as they will be sent
 * @param config - Cache-Control and Accept-Ranges
 * @returns the 200, 304 and failure blocks
 * @example
 * ```ts
 * const blocks = buildHeaderBlocks('text/plain; charset=utf-8', 'identity', false,
 *   { etag: '"x"', lastModified: undefined, lastModifiedSeconds: NaN },
 *   { cacheControl: 'no-cache', etag: true, lastModified: true, acceptRanges: true })
 * blocks.headers304.text // 'ETag: "x"\r\nCache-Control: no-cache\r\n'
 * ```
 */
export function buildHeaderBlocks(
  contentType: string,
  encoding: ContentCoding | 'identity',
  vary: boolean,
  validators: Validators,
  config: HeaderConfig,
): { headers200: PreparedHeaders; headers304: PreparedHeaders; headersFail: PreparedHeaders } {
  const cacheControl = cacheControlOf(contentType, config)
  const full: Array<[string, string]> = [
    ['Content-Type', contentType],
    ['X-Content-Type-Options', 'nosniff'],
  ]
  if (encoding !== 'identity') full.push(['Content-Encoding', encoding])
  if (vary) full.push(['Vary', 'Accept-Encoding'])
  if (validators.etag !== undefined) full.push(['ETag', validators.etag])
  if (validators.lastModified !== undefined) full.push(['Last-Modified', validators.lastModified])
  if (cacheControl !== undefined) full.push(['Cache-Control', cacheControl])
  if (config.acceptRanges) full.push(['Accept-Ranges', 'bytes'])

  const notModified: Array<[string, string]> = []
  if (validators.etag !== undefined) notModified.push(['ETag', validators.etag])
  else if (validators.lastModified !== undefined) notModified.push(['Last-Modified', validators.lastModified])
  if (cacheControl !== undefined) notModified.push(['Cache-Control', cacheControl])
  if (vary) notModified.push(['Vary', 'Accept-Encoding'])

  return {
    headers200: new PreparedHeaders(full),
    headers304: new PreparedHeaders(notModified),
    headersFail: vary ? VARY : EMPTY,
  }
}

/**
 * The validators of a file: a content-hash ETag when its bytes are in memory, else a size/mtime ETag;
 * `Last-Modified` from a useful mtime only. Each can be switched off.
 *
 * @param stats - the file's metadata
 * @param body - its bytes when in memory
 * @param config - which validators to send
 * @returns the validators
 * @example
 * ```ts
 * validatorsFor(stats, null, { etag: true, lastModified: false, cacheControl: undefined, acceptRanges: true })
 * // { etag: '"14-…"', lastModified: undefined, lastModifiedSeconds: NaN }
 * ```
 */
export function validatorsFor(stats: Stats, body: Buffer | null, config: HeaderConfig): Validators {
  const etag = !config.etag ? undefined : body !== null ? contentEtag(body) : statEtag(stats.size, stats.mtimeMs)
  const useful = config.lastModified && usefulMtime(stats.mtimeMs)
  return {
    etag,
    lastModified: useful ? formatHttpDate(stats.mtimeMs) : undefined,
    lastModifiedSeconds: useful ? Math.floor(stats.mtimeMs / 1000) : NaN,
  }
}

/**
 * What {@link loadRepresentation} needs to know about one file.
 *
 * @example
 * ```ts
 * const request: LoadRequest = { real, stats, encoding: 'identity', contentType: 'text/css; charset=utf-8', vary: false, inMemory: true }
 * ```
 */
export interface LoadRequest {
  readonly real: string
  /** The stat the resolution decided on. */
  readonly stats: Stats
  readonly encoding: ContentCoding | 'identity'
  readonly contentType: string
  readonly vary: boolean
  /** Read the bytes into memory (else metadata only). */
  readonly inMemory: boolean
  /** Rewrites the bytes read (option `htmlTransform`) before they are hashed. */
  readonly transform?: ((bytes: Buffer) => Buffer) | undefined
}

/**
 * Builds a representation. In memory: opens the realpath, checks with `fstat` that it is still the same
 * file (device and inode) as the one resolved, reads it, hashes it; the metadata then comes from the
 * descriptor. Otherwise: from the resolved stat alone, no descriptor.
 *
 * @param request - the file and how to serve it
 * @param config - header configuration
 * @param maxInMemory - a file that grew beyond this is served from disk instead
 * @returns the representation
 * @throws FileChanged when the file was replaced between resolution and open; fs errors as they come
 * @example
 * ```ts
 * const rep = await loadRepresentation({ real, stats, encoding: 'gzip', contentType, vary: true, inMemory: true }, config, 65536)
 * rep.validators.etag // content hash of the .gz bytes
 * ```
 */
export async function loadRepresentation(request: LoadRequest, config: HeaderConfig, maxInMemory: number): Promise<Representation> {
  let stats = request.stats
  let body: Buffer | null = null
  const loadedAt = Date.now()
  if (request.inMemory) {
    const fd = await openFile(request.real)
    try {
      const opened = await fstat(fd)
      if (!opened.isFile() || !sameFile(opened, stats)) throw new FileChanged(request.real)
      stats = opened
      if (opened.size <= maxInMemory) body = await readAt(fd, opened.size, 0)
      if (body !== null && request.transform !== undefined) body = request.transform(body)
    } finally {
      closeFile(fd)
    }
  }
  const size = body !== null ? body.length : stats.size
  const validators = validatorsFor(stats, body, config)
  const blocks = buildHeaderBlocks(request.contentType, request.encoding, request.vary, validators, config)
  return {
    encoding: request.encoding,
    real: request.real,
    stats,
    size,
    body,
    contentType: request.contentType,
    validators,
    ...blocks,
    loadedAt,
    made: false,
    baked: null,
  }
}
