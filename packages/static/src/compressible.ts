/**
 * Which files get compressed at run time: a compressible media type, at least `minSize` bytes, and not
 * an already-encoded file.
 *
 * @module
 */
import { isCompressibleType } from 'tinyhttp-core'
import { hasEncodedSuffix } from './codings.js'
import { COMMON_COMPRESSIBLE, mimeDb } from './mime-data.js'

/**
 * mime-db's `compressible` flag for a media type (no parameters, lower case).
 *
 * @param mediaType - e.g. `application/javascript`
 * @returns the flag, or undefined when mime-db does not say
 * @example
 * ```ts
 * mimeDbCompressible('application/javascript') // true
 * mimeDbCompressible('image/png')              // false
 * ```
 */
export function mimeDbCompressible(mediaType: string): boolean | undefined {
  // The common types from a small table: mime-db is loaded on the first other one.
  return COMMON_COMPRESSIBLE.has(mediaType) ? COMMON_COMPRESSIBLE.get(mediaType) : mimeDb()[mediaType]?.compressible
}

/**
 * Default smallest file compressed at run time, in bytes. Below about 1 KiB the headers dominate the
 * response and the saving is a few hundred bytes at best (and a gzip/brotli frame adds ~20 bytes).
 *
 * @example
 * ```ts
 * serveStatic('./public', { compress: { minSize: DEFAULT_MIN_SIZE } })
 * ```
 */
export const DEFAULT_MIN_SIZE = 1024

/**
 * Whether a file is worth compressing at run time.
 *
 * @param fileName - the file's name or path (an `.br`/`.gz`/`.zst` file is never compressed again)
 * @param contentType - its `Content-Type` (parameters ignored): tinyhttp-core's `isCompressibleType`
 *   with mime-db's `compressible` flag
 * @param size - its size in bytes
 * @param minSize - the smallest size compressed
 * @returns true when a variant should be made
 * @example
 * ```ts
 * isCompressibleFile('app.js', 'text/javascript; charset=utf-8', 300_000, 1024) // true
 * isCompressibleFile('logo.png', 'image/png', 300_000, 1024)                    // false
 * isCompressibleFile('tiny.css', 'text/css', 200, 1024)                         // false
 * ```
 */
export function isCompressibleFile(fileName: string, contentType: string, size: number, minSize: number): boolean {
  return size >= minSize && !hasEncodedSuffix(fileName) && isCompressibleType(contentType, mimeDbCompressible)
}
