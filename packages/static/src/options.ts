/**
 * The public options of `serveStatic` and their validation into a normalized configuration.
 *
 * @module
 */
import type { Stats } from 'node:fs'
import path from 'node:path'
import { codingsOption } from './codings.js'
import { DEFAULT_MIN_SIZE } from './compressible.js'
import { CODING_PREFERENCE, isSafeFieldValue, runtimeCodings, type ContentCoding, type Response } from 'tinyhttp-core'
import { createContentTypeLookup, type ContentTypeLookup } from './content-type.js'
import { DEFAULT_MAX_RANGES } from './range.js'
import { isFileHeaders, type FileHeaders } from './file-headers.js'

/**
 * Options of {@link serveStatic}.
 *
 * @example
 * ```ts
 * const options: ServeStaticOptions = { maxAge: 31536000, immutable: true, precompressed: true }
 * app.use(serveStatic('./dist', options))
 * ```
 */
export interface ServeStaticOptions {
  /** File that `/dir/` maps to (and that `/dir` redirects to), or false for none. @defaultValue 'index.html' */
  index?: string | false
  /** Seconds: `Cache-Control: public, max-age=N`. Without it the default is `no-cache`. */
  maxAge?: number
  /** Adds `, immutable` (needs `maxAge`). @defaultValue false */
  immutable?: boolean
  /** An explicit `Cache-Control` value (overrides `maxAge`/`immutable`), or false to send none. */
  cacheControl?: string | false
  /**
   * `Cache-Control` of HTML documents (`text/html`), or false to send none. A page names the (hashed)
   * assets it loads, so a long `max-age` or `immutable` on it keeps returning visitors on a stale page:
   * `maxAge` and `immutable` never apply to HTML.
   *
   * @defaultValue `'no-cache'` when `maxAge` is given (revalidate every time: a 304 when unchanged);
   *   else the same as every other file (`cacheControl`, or `no-cache`)
   */
  htmlCacheControl?: string | false
  /** Send a strong `ETag` and honour entity-tag conditions. @defaultValue true */
  etag?: boolean
  /** Send `Last-Modified` and honour date conditions. @defaultValue true */
  lastModified?: boolean
  /** Honour `Range` and send `Accept-Ranges: bytes`. @defaultValue true */
  acceptRanges?: boolean
  /** Most range-specs in one `Range` header; more → the whole file with 200. @defaultValue 16 */
  maxRanges?: number
  /**
   * Serve `file.br` / `file.zst` / `file.gz` siblings by `Accept-Encoding`; `true` = all three. A sibling
   * wins over a variant made by `compress`. @defaultValue false
   */
  precompressed?: boolean | ContentCoding[]
  /**
   * Compress compressible files at run time, once per file version and coding, and keep the result in the
   * memory cache beside the file (see the README, "Compression"). `true` = every coding this Node can
   * produce (`br`, `gzip`, and `zstd` when `zlib.zstdCompress` exists; a coding the runtime lacks is
   * ignored, never offered); `minSize`: the smallest file compressed (bytes).
   * Only files kept in memory (`memoryCacheMaxFileSize`) are compressed; larger ones are sent as they are.
   * @defaultValue false (the CLI turns it on)
   */
  compress?: boolean | { codings?: ContentCoding[]; minSize?: number }
  /** Extension (no dot) → `Content-Type` overrides, e.g. `{ ts: 'text/plain' }`. */
  mimeTypes?: Record<string, string>
  /**
   * Called for every response about a served file (200, 206, 304, 412, 416) before the preconditions
   * are evaluated, so an `ETag` or `Last-Modified` it sets is the one the conditions are checked against.
   * `path` is the absolute path of the requested (uncompressed) file; `stat` describes the file whose bytes
   * are sent (the precompressed variant when one is chosen).
   */
  setHeaders?: (res: Response, path: string, stat: Stats) => void
  /**
   * Headers of other layers (header rules, presets: tinyhttp-rules' `fileHeaders(...)`) precomputed into
   * the prepared blocks of every file: a 200, HEAD or 304 answer carries them with no work per request,
   * the same on every encoded variant. See {@link FileHeaders}. Ignored with `setHeaders`.
   */
  headers?: FileHeaders
  /**
   * Files up to this many bytes are kept in memory with their headers precomputed (within
   * `memoryCacheMaxBytes`); larger ones are streamed from disk. @defaultValue 1048576 (1 MiB)
   */
  memoryCacheMaxFileSize?: number
  /** Budget of the in-memory cache in bytes (0 disables caching). @defaultValue 67108864 (64 MiB) */
  memoryCacheMaxBytes?: number
  /**
   * Serve files whose realpath lies outside the root. Applies to the paths static resolves itself (and
   * to precompressed siblings): a file an allowlist with the same root admitted is served as the
   * allowlist resolved it, under the allowlist's own `followSymlinks` (docs/PLUGIN-CONTRACT.md, rule 7).
   * @defaultValue false
   */
  followSymlinks?: boolean
  /**
   * Paths with a segment starting with `.` (`/.env`, `/.well-known/security.txt`):
   * - `'allowlisted'`: served only when an allowlist earlier in the chain admitted exactly this path
   *   (`ctx.state.allowlist.urlPath` is the request's canonical path and its `file` is the real file
   *   static serves): the allowlist names dotfiles only by their exact name, never through a glob;
   * - `false`: never served, whatever the allowlist says;
   * - `true`: served like any other file (only for a chain without an allowlist that wants them all).
   *
   * Whatever this says, a path an allowlist declined (`ctx.state.allowlist === null`, its
   * `onDeny: 'next'`) is never served: static calls `next()`.
   * @defaultValue 'allowlisted'
   */
  dotfiles?: boolean | 'allowlisted'
  /**
   * Rewrites the bytes of every HTML document (`text/html`) once per file version, before it is hashed,
   * cached and compressed: the `ETag`, `Content-Length`, ranges and made variants all describe the
   * rewritten bytes, and a 304 compares against them (the CLI's `--dev` injects its live-reload script
   * this way). Precompressed siblings of an HTML file are ignored (their bytes are not rewritten), and an
   * HTML file is read into memory whatever `memoryCacheMaxFileSize` says, up to 16 MiB (a bigger one is
   * streamed as it is). Must be a pure function of its input.
   */
  htmlTransform?: (html: Buffer) => Buffer
  /** For methods other than GET/HEAD on a served path: 405 + `Allow: GET, HEAD` (501 for a method not in core's `KNOWN_METHODS`), or fall through. @defaultValue 'respond' */
  methodNotAllowed?: 'respond' | 'next'
}

/**
 * The validated, normalized configuration.
 *
 * @example
 * ```ts
 * const config: StaticConfig = normalizeOptions('./public', { maxAge: 60 })
 * ```
 */
export interface StaticConfig {
  readonly root: string
  readonly index: string | false
  readonly cacheControl: string | undefined
  readonly htmlCacheControl: string | undefined
  readonly etag: boolean
  readonly lastModified: boolean
  readonly acceptRanges: boolean
  readonly maxRanges: number
  readonly codings: readonly ContentCoding[]
  /** Run-time compression: the codings to make (preference order) and the smallest file; null when off. */
  readonly compress: { readonly codings: readonly ContentCoding[]; readonly minSize: number } | null
  readonly contentTypeOf: ContentTypeLookup
  readonly setHeaders: ((res: Response, path: string, stat: Stats) => void) | undefined
  /** The header source baked into the blocks; undefined when absent or when `setHeaders` is given. */
  readonly headers: FileHeaders | undefined
  readonly memoryCacheMaxFileSize: number
  readonly memoryCacheMaxBytes: number
  readonly followSymlinks: boolean
  readonly dotfiles: boolean | 'allowlisted'
  readonly methodNotAllowed: 'respond' | 'next'
  readonly htmlTransform: ((html: Buffer) => Buffer) | undefined
}

const KNOWN = new Set([
  'index',
  'maxAge',
  'immutable',
  'cacheControl',
  'htmlCacheControl',
  'etag',
  'lastModified',
  'acceptRanges',
  'maxRanges',
  'precompressed',
  'compress',
  'mimeTypes',
  'setHeaders',
  'headers',
  'memoryCacheMaxFileSize',
  'memoryCacheMaxBytes',
  'followSymlinks',
  'dotfiles',
  'methodNotAllowed',
  'htmlTransform',
])

function fail(message: string): never {
  throw new TypeError(`serveStatic: ${message}`)
}

function bool(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') fail(`${name} must be a boolean`)
  return value
}

function count(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) fail(`${name} must be an integer >= ${min}`)
  return value
}

/**
 * The `Cache-Control` value the options ask for.
 *
 * @param options - `cacheControl`, `maxAge`, `immutable`
 * @returns the value, or undefined for none
 * @throws TypeError for a negative or non-finite `maxAge`, `immutable` without `maxAge`, or an unsafe value
 * @example
 * ```ts
 * cacheControlFor({})                                   // 'no-cache'
 * cacheControlFor({ maxAge: 3600 })                     // 'public, max-age=3600'
 * cacheControlFor({ maxAge: 31536000, immutable: true }) // 'public, max-age=31536000, immutable'
 * cacheControlFor({ cacheControl: false })              // undefined
 * ```
 */
export function cacheControlFor(options: Pick<ServeStaticOptions, 'cacheControl' | 'maxAge' | 'immutable'>): string | undefined {
  const { cacheControl, maxAge } = options
  const immutable = bool('immutable', options.immutable, false)
  if (maxAge !== undefined && (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge < 0)) {
    fail('maxAge must be a non-negative number of seconds')
  }
  if (immutable && maxAge === undefined && cacheControl === undefined) fail('immutable needs maxAge')
  if (cacheControl !== undefined) {
    if (cacheControl === false) return undefined
    if (typeof cacheControl !== 'string' || cacheControl.trim() === '' || !isSafeFieldValue(cacheControl)) {
      fail('cacheControl must be a non-empty header value or false')
    }
    return cacheControl
  }
  if (maxAge === undefined) return 'no-cache'
  return `public, max-age=${Math.floor(maxAge)}${immutable ? ', immutable' : ''}`
}

function compressFor(value: unknown): StaticConfig['compress'] {
  if (value === undefined || value === false) return null
  const available = runtimeCodings()
  if (value === true) return { codings: available.slice(), minSize: DEFAULT_MIN_SIZE }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('compress must be a boolean or { codings?, minSize? }')
  const o = value as Record<string, unknown>
  for (const key of Object.keys(o)) if (key !== 'codings' && key !== 'minSize') fail(`compress: unknown option ${JSON.stringify(key)}`)
  const wanted = o.codings === undefined ? available : codingsOption('compress.codings', o.codings, CODING_PREFERENCE)
  return { codings: wanted.filter(c => available.includes(c)), minSize: count('compress.minSize', o.minSize, DEFAULT_MIN_SIZE, 0) }
}

/**
 * The `Cache-Control` value of HTML documents: `htmlCacheControl` when given, `no-cache` when `maxAge`
 * is (never a long max-age or `immutable` on a page), else the value every file gets.
 *
 * @param options - `htmlCacheControl`, `cacheControl`, `maxAge`, `immutable`
 * @returns the header value, or undefined for none
 * @throws TypeError for an unsafe value
 * @example
 * ```ts
 * htmlCacheControlFor({ maxAge: 31536000, immutable: true }) // 'no-cache'
 * htmlCacheControlFor({ cacheControl: 'private' })           // 'private'
 * ```
 */
export function htmlCacheControlFor(options: Pick<ServeStaticOptions, 'htmlCacheControl' | 'cacheControl' | 'maxAge' | 'immutable'>): string | undefined {
  const html = options.htmlCacheControl
  if (html === undefined) return options.maxAge !== undefined && options.cacheControl === undefined ? 'no-cache' : cacheControlFor(options)
  return cacheControlFor({ cacheControl: html })
}

/**
 * Validates the options and fills in the defaults.
 *
 * @param root - the folder to serve
 * @param options - the options
 * @returns the configuration
 * @throws TypeError for a bad root, an unknown option or a bad value
 * @example
 * ```ts
 * normalizeOptions('./public', { maxAge: 60 }).cacheControl // 'public, max-age=60'
 * ```
 */
export function normalizeOptions(root: string, options: ServeStaticOptions = {}): StaticConfig {
  if (typeof root !== 'string' || root === '' || root.includes('\0')) fail('root must be a non-empty path')
  if (options === null || typeof options !== 'object') fail('options must be an object')
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) fail(`unknown option ${JSON.stringify(key)}`)
  const index = options.index ?? 'index.html'
  if (
    index !== false &&
    (typeof index !== 'string' || index === '' || index === '.' || index === '..' || /[/\\\0]/.test(index))
  ) {
    fail('index must be a file name (no separators) or false')
  }
  const setHeaders = options.setHeaders
  if (setHeaders !== undefined && typeof setHeaders !== 'function') fail('setHeaders must be a function')
  if (options.htmlTransform !== undefined && typeof options.htmlTransform !== 'function') fail('htmlTransform must be a function')
  if (options.headers !== undefined && !isFileHeaders(options.headers)) fail('headers must be an object with a numeric version and a bake function')
  const methodNotAllowed = options.methodNotAllowed ?? 'respond'
  const dotfiles = options.dotfiles ?? 'allowlisted'
  if (dotfiles !== 'allowlisted' && typeof dotfiles !== 'boolean') fail("dotfiles must be 'allowlisted' or a boolean")
  if (methodNotAllowed !== 'respond' && methodNotAllowed !== 'next') fail("methodNotAllowed must be 'respond' or 'next'")
  return {
    root: path.resolve(root),
    index,
    cacheControl: cacheControlFor(options),
    htmlCacheControl: htmlCacheControlFor(options),
    etag: bool('etag', options.etag, true),
    lastModified: bool('lastModified', options.lastModified, true),
    acceptRanges: bool('acceptRanges', options.acceptRanges, true),
    maxRanges: count('maxRanges', options.maxRanges, DEFAULT_MAX_RANGES, 1),
    codings: codingsOption('precompressed', options.precompressed, CODING_PREFERENCE),
    compress: compressFor(options.compress),
    contentTypeOf: createContentTypeLookup(options.mimeTypes ?? {}),
    setHeaders,
    headers: setHeaders === undefined ? options.headers : undefined,
    memoryCacheMaxFileSize: count('memoryCacheMaxFileSize', options.memoryCacheMaxFileSize, 1024 * 1024, 0),
    memoryCacheMaxBytes: count('memoryCacheMaxBytes', options.memoryCacheMaxBytes, 64 * 1024 * 1024, 0),
    followSymlinks: bool('followSymlinks', options.followSymlinks, false),
    dotfiles,
    methodNotAllowed,
    htmlTransform: options.htmlTransform,
  }
}
