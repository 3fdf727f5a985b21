/**
 * Which content codings static serves, and where a precompressed one lives on disk. Negotiation itself
 * is tinyhttp-core's `negotiateEncoding` (shared with tinyhttp-compress).
 *
 * @module
 */
import { CODING_PREFERENCE, type ContentCoding } from 'tinyhttp-core'

/**
 * File-name suffix of the precompressed sibling that holds each coding.
 *
 * @example
 * ```ts
 * 'app.js' + CODING_SUFFIX.gzip // 'app.js.gz'
 * ```
 */
export const CODING_SUFFIX: Readonly<Record<ContentCoding, string>> = { br: '.br', zstd: '.zst', gzip: '.gz' }

/**
 * Whether a file name ends like an already-encoded file (`.br`, `.gz`, `.zst`, any case): such a file
 * is served as it is, never compressed again.
 *
 * @param fileName - a file name or path
 * @returns true for `app.js.gz`, `data.ZST`, …
 * @example
 * ```ts
 * hasEncodedSuffix('app.js.gz') // true
 * hasEncodedSuffix('app.js')    // false
 * ```
 */
export function hasEncodedSuffix(fileName: string): boolean {
  return /\.(br|gz|zst)$/i.test(fileName)
}

/**
 * The codings an option names, in server preference order (br, zstd, gzip) whatever order was given.
 *
 * @param name - the option name, for the error message
 * @param value - `true` (every coding of `all`), `false`/undefined (none), or an array of codings
 * @param all - the codings `true` means
 * @returns the codings, in preference order
 * @throws TypeError for anything else
 * @example
 * ```ts
 * codingsOption('precompressed', ['gzip', 'br'], CODING_PREFERENCE) // ['br', 'gzip']
 * codingsOption('precompressed', true, CODING_PREFERENCE)           // ['br', 'zstd', 'gzip']
 * ```
 */
export function codingsOption(name: string, value: unknown, all: readonly ContentCoding[]): ContentCoding[] {
  if (value === undefined || value === false) return []
  if (value === true) return all.slice()
  if (!Array.isArray(value)) throw new TypeError(`serveStatic: ${name} must be a boolean or an array of 'br' | 'zstd' | 'gzip'`)
  for (const c of value) {
    if (!(CODING_PREFERENCE as readonly unknown[]).includes(c)) throw new TypeError(`serveStatic: ${name}: unknown coding ${JSON.stringify(c)}`)
  }
  return CODING_PREFERENCE.filter(c => (value as unknown[]).includes(c))
}
