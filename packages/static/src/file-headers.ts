/**
 * Headers of other layers precomputed into static's prepared blocks (option `headers`): the blocks a
 * file answer is sent with, baked once per representation and per version of the layers' headers.
 *
 * @module
 */
import type { PreparedHeaders } from 'tinyhttp-core'

/**
 * What static's option `headers` takes: a source of header edits for file answers (e.g. tinyhttp-rules'
 * `fileHeaders(rules, presets)`), baked into the prepared blocks of every representation so that a file
 * answered from memory carries them with no work per request.
 *
 * @remarks
 * Static calls `bake` for the block of a 200/HEAD answer and for the block of a 304 of each
 * representation (original, precompressed siblings, variants made at run time), the first time one is
 * served, and again when `version` changed since. It sends the baked block only on answers made of the
 * block alone (200, HEAD, 304, whether from memory or from disk) and only when nothing set a field
 * before static; a 206, 412, 416 or 406 keeps static's own block, and the layers add their headers to it
 * per request as before. The source must recognize its blocks on the way out (their identity) and add
 * nothing to them. Ignored when `setHeaders` is given (the hook would then run after the layers' headers,
 * not before).
 *
 * @example
 * ```ts
 * const source: FileHeaders = {
 *   version: 0,
 *   bake: (block, path) => (path.endsWith('.html') ? withCacheControl(block, 'no-cache') : block),
 * }
 * app.use(serveStatic('./public', { headers: source }))
 * ```
 */
export interface FileHeaders {
  /** Changes whenever `bake` may give other blocks (a rule set swapped): static then bakes again. */
  readonly version: number
  /**
   * The block to send a file answer for `path` with, in place of static's own `block`: `block` itself
   * when the layers add nothing.
   *
   * @param block - static's prepared block (200/HEAD or 304) of one representation
   * @param path - the canonical path the file answers (`/docs/` for its index file)
   * @param segments - its segments
   * @param trailingSlash - whether it ends in `/`
   */
  bake(block: PreparedHeaders, path: string, segments: readonly string[], trailingSlash: boolean): PreparedHeaders
}

/**
 * The blocks of one representation baked for one version of a {@link FileHeaders} source.
 *
 * @example
 * ```ts
 * const baked: BakedBlocks = { version: 3, headers200, headers304 }
 * ```
 */
export interface BakedBlocks {
  readonly version: number
  readonly headers200: PreparedHeaders
  readonly headers304: PreparedHeaders
}

/**
 * A representation's own blocks and the slot its baked ones are kept in (replaced as a whole).
 *
 * @example
 * ```ts
 * const rep: Bakeable = { headers200, headers304, baked: null }
 * ```
 */
export interface Bakeable {
  readonly headers200: PreparedHeaders
  readonly headers304: PreparedHeaders
  baked: BakedBlocks | null
}

/**
 * The baked blocks of a representation for the source's current version: the ones kept when they are of
 * that version, else baked now and kept (one reference replaced: a request reads the old or the new).
 *
 * @param rep - the representation
 * @param source - the header source
 * @param path - the canonical path of the entry
 * @param segments - its segments
 * @param trailingSlash - whether it ends in `/`
 * @returns the baked blocks
 * @example
 * ```ts
 * res.headers.usePrepared(bakedFor(rep, source, entry.key, entry.segments, entry.trailingSlash).headers200)
 * ```
 */
export function bakedFor(rep: Bakeable, source: FileHeaders, path: string, segments: readonly string[], trailingSlash: boolean): BakedBlocks {
  const version = source.version
  const kept = rep.baked
  if (kept !== null && kept.version === version) return kept
  const baked: BakedBlocks = {
    version,
    headers200: source.bake(rep.headers200, path, segments, trailingSlash),
    headers304: source.bake(rep.headers304, path, segments, trailingSlash),
  }
  rep.baked = baked
  return baked
}

/**
 * Checks the option: an object with a numeric `version` and a `bake` function.
 *
 * @param value - the option as given
 * @returns whether it has the shape of a {@link FileHeaders}
 * @example
 * ```ts
 * if (!isFileHeaders(options.headers)) throw new TypeError('serveStatic: headers must be a FileHeaders source')
 * ```
 */
export function isFileHeaders(value: unknown): value is FileHeaders {
  if (typeof value !== 'object' || value === null) return false
  const v = value as { version?: unknown; bake?: unknown }
  return typeof v.version === 'number' && typeof v.bake === 'function'
}
