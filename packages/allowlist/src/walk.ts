/**
 * The one bounded walk of the root that all globs of a build share.
 *
 * @module
 */
import { join } from 'node:path'
import { realpath, stat } from 'node:fs/promises'
import type { DirLister } from './dir-lister.js'
import { canContain, matchGlob, type CompiledGlob } from './glob.js'

/**
 * Default bound on directory depth below the root.
 *
 * @example
 * ```ts
 * await walk({ ...options, maxDepth: DEFAULT_MAX_DEPTH })
 * ```
 */
export const DEFAULT_MAX_DEPTH = 32
/**
 * Default bound on directory entries looked at during one walk.
 *
 * @example
 * ```ts
 * await walk({ ...options, maxEntries: DEFAULT_MAX_ENTRIES })
 * ```
 */
export const DEFAULT_MAX_ENTRIES = 100_000

/**
 * What the walk needs.
 *
 * @example
 * ```ts
 * const options: WalkOptions = { rootReal: '/srv/www', globs: [compileGlob('*.html')], followSymlinks: false, lister: new DirLister() }
 * ```
 */
export interface WalkOptions {
  /** Real path of the root. */
  readonly rootReal: string
  /** The globs to match. */
  readonly globs: readonly CompiledGlob[]
  /** Descend into symlinked directories (each real directory once). */
  readonly followSymlinks: boolean
  /** Shared directory reader. */
  readonly lister: DirLister
  /** Deepest directory level read (root = 0). @defaultValue 32 */
  readonly maxDepth?: number
  /** Most directory entries looked at. @defaultValue 100000 */
  readonly maxEntries?: number
}

/**
 * A file (or symlink, or other non-directory) that at least one glob matched.
 *
 * @example
 * ```ts
 * // { rel: 'css/site.css', segments: ['css', 'site.css'], abs: '/srv/www/css/site.css', matchedBy: [0] }
 * ```
 */
export interface WalkedFile {
  /** Path relative to the root, `/`-separated, on-disk spelling. */
  readonly rel: string
  /** Its segments. */
  readonly segments: readonly string[]
  /** Absolute path to read it through (inside the real directory the walk was in). */
  readonly abs: string
  /** Indexes into `globs` of the globs that matched it. */
  readonly matchedBy: readonly number[]
}

/**
 * The walk's result.
 *
 * @example
 * ```ts
 * const { files, limited } = await walk(options)
 * if (limited) console.warn('glob results are incomplete')
 * ```
 */
export interface WalkResult {
  readonly files: WalkedFile[]
  /** Whether a bound (depth or entry count) cut the walk short. */
  readonly limited: boolean
}

interface QueuedDir {
  readonly real: string
  readonly segments: readonly string[]
}

const DOT = 0x2e
const PARALLEL_READS = 8

/**
 * Walks the root once for all globs: breadth first, never into dot directories, only into directories a
 * glob can still match below, within the depth and entry bounds.
 *
 * @param options - root, globs and bounds
 * @returns the matched files and whether a bound was hit
 * @example
 * ```ts
 * const { files } = await walk({ rootReal: '/srv/www', globs: [compileGlob('**\/*.css')], followSymlinks: false, lister: new DirLister() })
 * ```
 */
export async function walk(options: WalkOptions): Promise<WalkResult> {
  const { rootReal, globs, followSymlinks, lister } = options
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES
  const files: WalkedFile[] = []
  const visited = new Set<string>([rootReal])
  let queue: QueuedDir[] = [{ real: rootReal, segments: [] }]
  let seen = 0
  let limited = false

  const wants = (segments: readonly string[]): boolean => globs.some(g => canContain(g, segments))
  const matches = (segments: readonly string[]): number[] => {
    const out: number[] = []
    for (let i = 0; i < globs.length; i++) if (matchGlob(globs[i]!, segments)) out.push(i)
    return out
  }

  while (queue.length > 0 && !limited) {
    const batch = queue.slice(0, PARALLEL_READS)
    queue = queue.slice(PARALLEL_READS)
    const listings = await Promise.all(batch.map(dir => lister.list(dir.real)))
    for (let b = 0; b < batch.length && !limited; b++) {
      const dir = batch[b]!
      const listing = listings[b]
      if (listing === null || listing === undefined) continue
      for (const [name, dirent] of listing) {
        if (++seen > maxEntries) {
          limited = true
          break
        }
        // Globs never match dot names and the walk never enters dot directories.
        if (name.charCodeAt(0) === DOT) continue
        const segments = [...dir.segments, name]
        const abs = join(dir.real, name)
        let isDir = dirent.isDirectory()
        let real = abs
        if (dirent.isSymbolicLink() && followSymlinks && segments.length <= maxDepth && wants(segments)) {
          try {
            if ((await stat(abs)).isDirectory()) {
              isDir = true
              real = await realpath(abs)
            }
          } catch {
            // Dangling or unreadable: treated as a file below (and reported as not-found if matched).
          }
        }
        if (isDir) {
          if (segments.length > maxDepth) {
            if (wants(segments)) limited = true
            continue
          }
          if (!visited.has(real) && wants(segments)) {
            visited.add(real)
            queue.push({ real, segments })
          }
          continue
        }
        const matchedBy = matches(segments)
        if (matchedBy.length > 0) files.push({ rel: segments.join('/'), segments, abs, matchedBy })
      }
    }
  }
  return { files, limited }
}
