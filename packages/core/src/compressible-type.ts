/**
 * Which media types are worth a content coding. One rule for every plugin that compresses; the
 * mime-db data it consults is passed in, so the core itself depends on no database.
 *
 * @module
 */

/**
 * Looks up mime-db's `compressible` flag for a lower-case media type without parameters
 * (`t => db[t]?.compressible` with `import db from 'mime-db'`).
 *
 * @example
 * ```ts
 * import db from 'mime-db'
 * const lookup: CompressibleLookup = t => db[t]?.compressible
 * ```
 */
export type CompressibleLookup = (mediaType: string) => boolean | undefined

/** Types that are already compressed (or pointless to compress) whatever a database says. */
const NEVER = new Set([
  'application/octet-stream',
  'application/zip',
  'application/gzip',
  'application/x-gzip',
  'application/zstd',
  'application/x-bzip',
  'application/x-bzip2',
  'application/x-xz',
  'application/x-7z-compressed',
  'application/x-rar-compressed',
  'application/vnd.rar',
  'application/x-brotli',
  'application/pdf',
  'application/font-woff',
  'application/font-woff2',
  'application/x-font-woff',
  'font/woff',
  'font/woff2',
])

/** Compressible whatever a database says (text that mime-db leaves unflagged or that matters most). */
const ALWAYS = new Set(['image/svg+xml', 'application/wasm', 'application/manifest+json'])

/**
 * Whether a response of this `Content-Type` is worth compressing.
 *
 * @remarks
 * Parameters are ignored and the comparison is case-insensitive. Never: `image/*` other than SVG,
 * `audio/*`, `video/*`, WOFF/WOFF2 fonts, archives and already-compressed formats, PDF and
 * `application/octet-stream`. Always: `image/svg+xml`, `application/wasm`,
 * `application/manifest+json`, `text/*` and structured `+json`/`+xml` types. Otherwise what
 * mime-db's `compressible` flag says (unknown types are not compressed).
 *
 * @param contentType - a `Content-Type` value such as `text/html; charset=utf-8`
 * @param lookup - mime-db's `compressible` flag by media type
 * @example
 * ```ts
 * import db from 'mime-db'
 * const lookup = (t: string) => db[t]?.compressible
 * isCompressibleType('text/javascript; charset=utf-8', lookup) // true
 * isCompressibleType('image/png', lookup)                      // false
 * isCompressibleType('image/svg+xml', lookup)                  // true
 * ```
 */
export function isCompressibleType(contentType: string, lookup: CompressibleLookup): boolean {
  const semi = contentType.indexOf(';')
  const type = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase()
  if (ALWAYS.has(type)) return true
  if (NEVER.has(type)) return false
  const slash = type.indexOf('/')
  if (slash <= 0 || slash === type.length - 1) return false
  const top = type.slice(0, slash)
  if (top === 'image' || top === 'audio' || top === 'video') return false
  if (top === 'text' || type.endsWith('+json') || type.endsWith('+xml')) return true
  return lookup(type) === true
}
