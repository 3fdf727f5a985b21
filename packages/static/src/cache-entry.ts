/**
 * The memory cache's entry for one canonical path (what `FileCache` stores): the original file and its
 * precompressed variants, each with its own ETag, length and header blocks; how it is loaded and how it
 * is checked against the disk. (Not to be confused with an allowlist *entry*, a line of the list: that
 * lives in tinyhttp-allowlist's `parse-entry.ts`.)
 *
 * @module
 */
import type { Stats } from 'node:fs'
import type { AllowlistHitShape } from './allowlist-gate.js'
import { CODING_SUFFIX } from './codings.js'
import { isCompressibleFile } from './compressible.js'
import { hasNoTransform, type ContentCoding } from 'tinyhttp-core'
import { isNotFound, sameVersion, statPath } from './fs-ops.js'
import { cacheControlOf, isHtml, loadRepresentation, type HeaderConfig, type Representation } from './representation.js'
import { newMadeVariants, type MadeVariants } from './runtime-variants.js'
import { containedRealPath, hasDotSegment } from './resolve.js'

/**
 * Everything known about one canonical path.
 *
 * @example
 * ```ts
 * const entry: CacheEntry = await loadEntry('/a.txt', ['a.txt'], false, file, real, stats, realRoot, config)
 * entry.identity.size // bytes of a.txt
 * ```
 */
export interface CacheEntry {
  /** The canonical path (the cache key). */
  readonly key: string
  /** Canonical segments and trailing slash, to resolve the path again on revalidation. */
  readonly segments: readonly string[]
  readonly trailingSlash: boolean
  /**
   * Whether the path has a segment starting with `.`: such an entry is served only when the request's
   * allowlist decision admits it (`dotfiles: 'allowlisted'`), checked on every request, cache hit or not.
   */
  readonly dot: boolean
  /** Absolute path of the original file (joined, as requested; given to `setHeaders`). */
  readonly file: string
  /**
   * The allowlist hit whose resolution this entry was loaded from (static took it: `identity.real` is
   * its `file`), or undefined when static resolved the path itself. A request is answered from the
   * entry only when it would resolve the same way (same hit file and root, or no hit taken either).
   */
  readonly admitted: AllowlistHitShape | undefined
  /** The original. */
  readonly identity: Representation
  /** The variants that exist, in server preference order, index-aligned with {@link CacheEntry.codings}. */
  readonly variants: readonly Representation[]
  readonly codings: readonly ContentCoding[]
  /**
   * Variants made at run time (option `compress`) and the choice between them and the disk siblings; null
   * when this file gets none (compression off, not compressible, too small, too big for memory).
   */
  readonly made: MadeVariants | null
  /** Whether the original's bytes were rewritten by `htmlTransform` (then no sibling is looked for). */
  readonly rewritten: boolean
  /** Whether some representation is streamed from disk (requests may then open a descriptor). */
  readonly onDisk: boolean
  /** Bytes charged to the cache budget (made variants included: `FileCache.charge`). */
  cost: number
  /** Whether some file was modified so recently that a rewrite within the same timestamp tick could go unseen. */
  readonly racy: boolean
  /** Last time the files were checked (ms); revalidation runs at most once per second. */
  checkedAt: number
  /** A revalidation is in flight (requests for the entry wait for it: `FileCache.checked`). */
  checking: boolean
  /** Used since the eviction hand last passed (second-chance eviction). */
  referenced: boolean
}

/**
 * Fixed per-representation overhead charged to the budget (headers, objects).
 *
 * @example
 * ```ts
 * const cost = REPRESENTATION_OVERHEAD + body.length
 * ```
 */
export const REPRESENTATION_OVERHEAD = 512

/**
 * Configuration needed to load entries.
 *
 * @example
 * ```ts
 * const config: CacheEntryConfig = { cacheControl: 'no-cache', etag: true, lastModified: true, acceptRanges: true,
 *   codings: ['br', 'gzip'], compress: { codings: ['br', 'gzip'], minSize: 1024 }, followSymlinks: false, contentTypeOf: createContentTypeLookup(), inMemoryLimit: 65536 }
 * ```
 */
export interface CacheEntryConfig extends HeaderConfig {
  readonly codings: readonly ContentCoding[]
  /** Run-time compression: the codings to make and the smallest file; null when off. */
  readonly compress: { readonly codings: readonly ContentCoding[]; readonly minSize: number } | null
  readonly followSymlinks: boolean
  readonly contentTypeOf: (fileName: string) => string
  /** Largest file kept in memory; -1 when nothing is kept in memory. */
  readonly inMemoryLimit: number
  /** Rewrites HTML documents (option `htmlTransform`); undefined when off. */
  readonly htmlTransform?: ((html: Buffer) => Buffer) | undefined
}

/**
 * Largest HTML file read into memory to be rewritten by `htmlTransform` (whatever the cache limit): a
 * bigger one is streamed as it is on disk.
 *
 * @example
 * ```ts
 * if (stats.size > TRANSFORM_LIMIT) console.warn('served without the transform')
 * ```
 */
export const TRANSFORM_LIMIT = 16 * 1024 * 1024

/** A sibling file `file + suffix`, if it is a regular file whose realpath is acceptable. */
async function findVariant(file: string, coding: ContentCoding, realRoot: string, followSymlinks: boolean): Promise<{ real: string; stats: Stats } | undefined> {
  const variant = file + CODING_SUFFIX[coding]
  let stats: Stats
  try {
    stats = await statPath(variant)
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
  if (!stats.isFile()) return undefined
  const real = await containedRealPath(variant, realRoot, followSymlinks)
  return real === undefined ? undefined : { real, stats }
}

/**
 * Loads the entry of a canonical path that resolved to a regular file: the original plus each
 * configured precompressed sibling that exists as a regular file inside the root. A variant exists only
 * beside a servable original: `secret.js.gz` is never served for `/secret.js` when `secret.js` is not.
 *
 * @param key - the canonical path
 * @param segments - its segments
 * @param trailingSlash - whether it ends with `/`
 * @param file - the original's joined path
 * @param real - its realpath
 * @param stats - its stat
 * @param realRoot - the root's realpath
 * @param config - configuration
 * @param admitted - the allowlist hit `real` was taken from, if any
 * @returns the entry (not yet in any cache)
 * @throws FileChanged when a file was replaced while loading
 * @example
 * ```ts
 * const r = await resolvePath(root, realRoot, ['app.js'], false, resolveOptions)
 * if (r.kind === 'file') await loadEntry('/app.js', ['app.js'], false, r.file, r.real, r.stats, realRoot, config)
 * ```
 */
export async function loadEntry(
  key: string,
  segments: readonly string[],
  trailingSlash: boolean,
  file: string,
  real: string,
  stats: Stats,
  realRoot: string,
  config: CacheEntryConfig,
  admitted?: AllowlistHitShape,
): Promise<CacheEntry> {
  const contentType = config.contentTypeOf(file)
  // An HTML file to rewrite: read into memory whatever the cache limit, and no sibling (its bytes are not
  // rewritten); made variants compress the rewritten bytes.
  const transform = config.htmlTransform !== undefined && isHtml(contentType) && stats.size <= TRANSFORM_LIMIT ? config.htmlTransform : undefined
  const found: Array<{ coding: ContentCoding; real: string; stats: Stats }> = []
  for (const coding of transform === undefined ? config.codings : []) {
    const v = await findVariant(file, coding, realRoot, config.followSymlinks)
    if (v !== undefined) found.push({ coding, ...v })
  }
  const limit = transform === undefined ? config.inMemoryLimit : Math.max(config.inMemoryLimit, TRANSFORM_LIMIT)
  const compress = config.compress
  // Made at run time: a compressible file kept in memory whose responses allow transformation.
  const compressible =
    compress !== null &&
    compress.codings.length > 0 &&
    stats.size <= config.inMemoryLimit &&
    isCompressibleFile(file, contentType, stats.size, compress.minSize) &&
    !hasNoTransform(cacheControlOf(contentType, config))
  const vary = found.length > 0 || compressible
  const identity = await loadRepresentation(
    { real, stats, encoding: 'identity', contentType, vary, inMemory: stats.size <= limit, transform },
    config,
    limit,
  )
  const variants: Representation[] = []
  for (const v of found) {
    variants.push(
      await loadRepresentation({ real: v.real, stats: v.stats, encoding: v.coding, contentType, vary, inMemory: v.stats.size <= limit }, config, limit),
    )
  }
  let made: MadeVariants | null = null
  if (compressible && identity.body !== null && compress !== null) {
    const disk = new Map(found.map((v, i) => [v.coding, variants[i] as Representation]))
    made = newMadeVariants(
      compress.codings.filter(c => !disk.has(c)),
      disk,
    )
  }
  const all = [identity, ...variants]
  let cost = 0
  let onDisk = false
  let racy = false
  for (const r of all) {
    cost += REPRESENTATION_OVERHEAD + (r.body === null ? 0 : r.body.length)
    if (r.body === null) onDisk = true
    // Like git's "racily clean" entries: a file modified within 2 s of being read may be rewritten in the
    // same timestamp tick without any visible metadata change, so it is re-read on the next check.
    if (r.body !== null && r.stats.mtimeMs >= r.loadedAt - 2000) racy = true
  }
  return {
    key,
    segments,
    trailingSlash,
    dot: hasDotSegment(segments),
    file,
    admitted,
    identity,
    variants,
    codings: found.map(v => v.coding),
    made,
    rewritten: transform !== undefined,
    onDisk,
    cost,
    racy,
    checkedAt: Date.now(),
    checking: false,
    referenced: true,
  }
}

/** `stat`, or undefined when the path does not exist. */
async function statOrNone(file: string): Promise<Stats | undefined> {
  try {
    return await statPath(file)
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
}

/**
 * Whether an entry still describes the files on disk: the original and every variant have the same
 * device, inode, size, mtime and ctime, no configured variant appeared or vanished, and no in-memory file
 * is "racy" (modified too shortly before it was read to trust its metadata). The original is looked at
 * where it was resolved: the requested path (symlinks followed) when static resolved it, the real file
 * the allowlist resolved when static took the allowlist's resolution (a symlink retargeted since does
 * not change which file that is; the allowlist's next table does).
 *
 * @param entry - the entry
 * @param codings - the configured codings
 * @returns true when nothing changed
 * @example
 * ```ts
 * if (!(await entryIsFresh(entry, ['br', 'gzip']))) cache.delete(entry.key, entry)
 * ```
 */
export async function entryIsFresh(entry: CacheEntry, codings: readonly ContentCoding[]): Promise<boolean> {
  if (entry.racy) return false
  const base = await statOrNone(entry.admitted === undefined ? entry.file : entry.identity.real)
  if (base === undefined || !sameVersion(base, entry.identity.stats)) return false
  for (const coding of entry.rewritten ? [] : codings) {
    const current = await statOrNone(entry.file + CODING_SUFFIX[coding])
    const index = entry.codings.indexOf(coding)
    if (index < 0) {
      if (current !== undefined && current.isFile()) return false
    } else if (current === undefined || !sameVersion(current, (entry.variants[index] as Representation).stats)) {
      return false
    }
  }
  return true
}
