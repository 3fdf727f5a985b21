/**
 * The media types of the files most sites serve, and the `mime-types` / `mime-db` modules loaded on
 * the first name or type outside them. Both modules hold their whole database in the heap (about
 * 0.6 MB live, 3.6 MB of RSS once loaded), and a live heap costs several times its size under load
 * (V8 lets the old generation grow to a multiple of it): a site of HTML, CSS, scripts, images and
 * fonts never loads them. The tables say exactly what the modules say (`test/static/mime-data.test.ts`
 * compares every entry with the installed versions).
 *
 * @module
 */
import { createRequire } from 'node:module'
import type mimeTypesModule from 'mime-types'

/**
 * `mime-types`' `contentType(extension)` for the common extensions (lower case, no dot).
 *
 * @example
 * ```ts
 * COMMON_CONTENT_TYPES.get('css') // 'text/css; charset=utf-8'
 * ```
 */
export const COMMON_CONTENT_TYPES: ReadonlyMap<string, string> = new Map([
  ['html', 'text/html; charset=utf-8'],
  ['htm', 'text/html; charset=utf-8'],
  ['css', 'text/css; charset=utf-8'],
  ['js', 'text/javascript; charset=utf-8'],
  ['mjs', 'text/javascript; charset=utf-8'],
  ['json', 'application/json; charset=utf-8'],
  ['map', 'application/json; charset=utf-8'],
  ['txt', 'text/plain; charset=utf-8'],
  ['md', 'text/markdown; charset=utf-8'],
  ['csv', 'text/csv; charset=utf-8'],
  ['xml', 'application/xml'],
  ['svg', 'image/svg+xml'],
  ['webmanifest', 'application/manifest+json; charset=utf-8'],
  ['wasm', 'application/wasm'],
  ['png', 'image/png'],
  ['jpg', 'image/jpeg'],
  ['jpeg', 'image/jpeg'],
  ['gif', 'image/gif'],
  ['webp', 'image/webp'],
  ['avif', 'image/avif'],
  ['ico', 'image/vnd.microsoft.icon'],
  ['woff', 'font/woff'],
  ['woff2', 'font/woff2'],
  ['ttf', 'font/ttf'],
  ['otf', 'font/otf'],
  ['pdf', 'application/pdf'],
  ['zip', 'application/zip'],
  ['gz', 'application/gzip'],
  ['mp4', 'video/mp4'],
  ['webm', 'video/webm'],
  ['mp3', 'audio/mpeg'],
  ['bin', 'application/octet-stream'],
])

/**
 * mime-db's `compressible` flag of the media types of {@link COMMON_CONTENT_TYPES} (undefined where
 * mime-db has no flag).
 *
 * @example
 * ```ts
 * COMMON_COMPRESSIBLE.get('font/ttf') // true
 * ```
 */
export const COMMON_COMPRESSIBLE: ReadonlyMap<string, boolean | undefined> = new Map([
  ['text/html', true],
  ['text/css', true],
  ['text/javascript', true],
  ['application/json', true],
  ['text/plain', true],
  ['text/markdown', true],
  ['text/csv', true],
  ['application/xml', true],
  ['image/svg+xml', true],
  ['application/manifest+json', true],
  ['application/wasm', true],
  ['image/png', false],
  ['image/jpeg', false],
  ['image/gif', false],
  ['image/webp', undefined],
  ['image/avif', false],
  ['image/vnd.microsoft.icon', true],
  ['font/woff', undefined],
  ['font/woff2', undefined],
  ['font/ttf', true],
  ['font/otf', true],
  ['application/pdf', false],
  ['application/zip', false],
  ['application/gzip', false],
  ['video/mp4', false],
  ['video/webm', false],
  ['audio/mpeg', false],
  ['application/octet-stream', true],
])

// CommonJS both: require() spares the process the ESM loader's CommonJS export scan (~6 MB RSS).
const load = createRequire(import.meta.url)
let types: typeof mimeTypesModule | undefined
let db: Record<string, { compressible?: boolean } | undefined> | undefined

/**
 * The `mime-types` module, loaded on the first call.
 *
 * @returns the module
 * @example
 * ```ts
 * mimeTypes().contentType('epub') // 'application/epub+zip'
 * ```
 */
export function mimeTypes(): typeof mimeTypesModule {
  types ??= load('mime-types') as typeof mimeTypesModule
  return types
}

/**
 * mime-db's table (media type → `{ compressible?: boolean }`), loaded on the first call.
 *
 * @returns the table
 * @example
 * ```ts
 * mimeDb()['application/rtf']?.compressible // true
 * ```
 */
export function mimeDb(): Record<string, { compressible?: boolean } | undefined> {
  db ??= load('mime-db') as Record<string, { compressible?: boolean } | undefined>
  return db
}
