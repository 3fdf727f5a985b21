/**
 * `Content-Type` of a file from its name, through `mime-types`, with an override table.
 *
 * @module
 */
import { isSafeFieldValue } from 'tinyhttp-core'
import { COMMON_CONTENT_TYPES, mimeTypes } from './mime-data.js'

/**
 * The type sent when the extension is unknown.
 *
 * @example
 * ```ts
 * createContentTypeLookup()('README') === DEFAULT_CONTENT_TYPE // true
 * ```
 */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream'

/**
 * A lookup from file name to `Content-Type`, built once by {@link createContentTypeLookup}.
 *
 * @example
 * ```ts
 * const typeOf: ContentTypeLookup = createContentTypeLookup()
 * typeOf('a.css') // 'text/css; charset=utf-8'
 * ```
 */
export type ContentTypeLookup = (fileName: string) => string

/**
 * The extension of a file name, lower-cased, without the dot (`''` when there is none or it is a dotfile's only dot).
 *
 * @example
 * ```ts
 * extensionOf('/srv/A.TXT') // 'txt'
 * extensionOf('/srv/.env')  // ''
 * ```
 */
export function extensionOf(fileName: string): string {
  const slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'))
  const dot = fileName.lastIndexOf('.')
  if (dot <= slash + 1) return ''
  return fileName.slice(dot + 1).toLowerCase()
}

/**
 * Builds the `Content-Type` lookup: the override table first (keys are extensions without the dot, any
 * case), then `mime-types`' `contentType()` (which adds `; charset=utf-8` to text types), then
 * `application/octet-stream`.
 *
 * @remarks
 * An override value without parameters goes through `contentType()` too, so `{ ts: 'text/plain' }`
 * yields `text/plain; charset=utf-8`; a value with parameters is used as written. Note that
 * `mime-types` maps `.ts` to `video/mp2t` (MPEG transport stream): override it when serving TypeScript.
 *
 * @param overrides - extension → type
 * @returns the lookup
 * @throws TypeError for an override that is not a non-empty string free of control characters
 * @example
 * ```ts
 * const typeOf = createContentTypeLookup({ ts: 'text/plain' })
 * typeOf('app.js')    // 'text/javascript; charset=utf-8'
 * typeOf('x.ts')      // 'text/plain; charset=utf-8'
 * typeOf('README')    // 'application/octet-stream'
 * ```
 */
export function createContentTypeLookup(overrides: Readonly<Record<string, string>> = {}): ContentTypeLookup {
  if (overrides === null || typeof overrides !== 'object') throw new TypeError('serveStatic: mimeTypes must be an object')
  const table = new Map<string, string>()
  for (const [rawExt, value] of Object.entries(overrides)) {
    if (typeof value !== 'string' || value === '' || !isSafeFieldValue(value) || !value.includes('/')) {
      throw new TypeError(`serveStatic: mimeTypes[${JSON.stringify(rawExt)}] must be a media type such as 'text/plain'`)
    }
    const ext = rawExt.replace(/^\./, '').toLowerCase()
    const full = value.includes(';') ? value : mimeTypes().contentType(value) || value
    table.set(ext, full)
  }
  const memo = new Map<string, string>()
  return (fileName: string): string => {
    const ext = extensionOf(fileName)
    const cached = memo.get(ext)
    if (cached !== undefined) return cached
    // The common extensions from a small table: mime-types is loaded on the first other one.
    const type = table.get(ext) ?? (ext === '' ? false : (COMMON_CONTENT_TYPES.get(ext) ?? mimeTypes().contentType(ext))) ?? false
    const result = type === false ? DEFAULT_CONTENT_TYPE : type
    if (memo.size < 1024) memo.set(ext, result)
    return result
  }
}
