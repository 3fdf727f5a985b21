/**
 * Canonical request path → file under the root: dotfile rule, directory/index rule, realpath containment;
 * or, when an allowlist already resolved the path, a check that its resolution still holds.
 *
 * @module
 */
import type { Stats } from 'node:fs'
import path from 'node:path'
import { isNotFound, realPath, statPath } from './fs-ops.js'

/**
 * What a canonical path maps to.
 *
 * @example
 * ```ts
 * const r: Resolution = await resolvePath(root, realRoot, ['docs'], false, options) // { kind: 'redirect' }
 * ```
 */
export type Resolution =
  /**
   * A regular file to serve: `file` is the joined path, `real` the real path to open (inside the root,
   * unless symlinks may leave it or an allowlist with the same root resolved it: {@link resolveAdmitted}).
   */
  | { kind: 'file'; file: string; real: string; stats: Stats }
  /** A directory with a servable index, asked for without the trailing slash: redirect to `path + '/'`. */
  | { kind: 'redirect' }
  /** A file asked for with a trailing slash (`/file.txt/`): 404. */
  | { kind: 'not-a-directory' }
  /** Nothing servable: missing, refused (dotfile, outside the root), or not a regular file. */
  | { kind: 'none' }

/**
 * Options of {@link resolvePath}.
 *
 * @example
 * ```ts
 * const options: ResolveOptions = { index: 'index.html', followSymlinks: false, dotfiles: false }
 * ```
 */
export interface ResolveOptions {
  /** Index file name for directories, or false. */
  index: string | false
  /** Serve files whose realpath leaves the root. */
  followSymlinks: boolean
  /** Serve path segments that start with a dot. */
  dotfiles: boolean
}

const NONE: Resolution = Object.freeze({ kind: 'none' })
const REDIRECT: Resolution = Object.freeze({ kind: 'redirect' })
const NOT_A_DIRECTORY: Resolution = Object.freeze({ kind: 'not-a-directory' })

/**
 * Whether a segment list contains a dotfile or dot-directory name (`.env`, `.git`, `.well-known`).
 *
 * @param segments - canonical path segments
 * @returns true when one starts with `.`
 * @example
 * ```ts
 * hasDotSegment(['.git', 'config']) // true
 * hasDotSegment(['a.txt'])          // false
 * ```
 */
export function hasDotSegment(segments: readonly string[]): boolean {
  for (const s of segments) if (s.charCodeAt(0) === 0x2e) return true
  return false
}

/**
 * Whether `real` is `root` or lies below it. Sibling-prefix safe: `/srv/www-secret` is not inside
 * `/srv/www`, because the comparison is against `root + path.sep`.
 *
 * @param root - the real root (no trailing separator except for the file-system root itself)
 * @param real - a realpath
 * @returns whether it is inside
 * @example
 * ```ts
 * isInside('/srv/www', '/srv/www/a.txt')          // true
 * isInside('/srv/www', '/srv/www-secret/s.txt')   // false
 * ```
 */
export function isInside(root: string, real: string): boolean {
  if (real === root) return true
  const prefix = root.endsWith(path.sep) ? root : root + path.sep
  return real.startsWith(prefix)
}

/**
 * Joins canonical segments below a root. Segments from `canonicalizePath` contain no separator, no
 * `.`/`..` and no NUL, so this cannot climb out; containment of symlinks is checked separately.
 *
 * @param root - absolute root
 * @param segments - canonical segments
 * @returns the absolute path
 * @example
 * ```ts
 * joinSegments('/srv/www', ['css', 'a.css']) // '/srv/www/css/a.css'
 * ```
 */
export function joinSegments(root: string, segments: readonly string[]): string {
  return segments.length === 0 ? root : path.join(root, ...segments)
}

/**
 * Checks that a path's realpath stays inside the root (unless symlinks may leave it).
 *
 * @param file - the path to check
 * @param realRoot - the root's realpath
 * @param followSymlinks - accept a realpath outside the root
 * @returns the realpath, or undefined when refused or missing
 * @example
 * ```ts
 * await containedRealPath('/srv/www/link.txt', '/srv/www', false) // undefined when it points outside
 * ```
 */
export async function containedRealPath(file: string, realRoot: string, followSymlinks: boolean): Promise<string | undefined> {
  let real: string
  try {
    real = await realPath(file)
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
  return followSymlinks || isInside(realRoot, real) ? real : undefined
}

/**
 * Maps a canonical path to what should be served.
 *
 * - A dot segment (unless `dotfiles`) → none.
 * - A regular file: with a trailing slash → not-a-directory, else file.
 * - A directory: its index must be a regular file inside the root; then `/dir/` → that file and `/dir`
 *   → redirect; without a servable index → none.
 * - Anything whose realpath leaves the root (unless `followSymlinks`), missing files, `ENOTDIR`,
 *   `ENAMETOOLONG`, FIFOs, sockets, devices → none.
 *
 * Other errors (EACCES, ELOOP, EMFILE…) are thrown.
 *
 * @param root - the absolute root
 * @param realRoot - its realpath
 * @param segments - canonical segments
 * @param trailingSlash - whether the canonical path ends with `/`
 * @param options - index, symlink and dotfile rules
 * @returns the resolution
 * @example
 * ```ts
 * await resolvePath('/srv/www', '/srv/www', ['docs'], false, { index: 'index.html', followSymlinks: false, dotfiles: false })
 * // { kind: 'redirect' } when /srv/www/docs/index.html exists
 * ```
 */
export async function resolvePath(
  root: string,
  realRoot: string,
  segments: readonly string[],
  trailingSlash: boolean,
  options: ResolveOptions,
): Promise<Resolution> {
  if (!options.dotfiles && hasDotSegment(segments)) return NONE
  const joined = joinSegments(root, segments)
  let stats: Stats
  try {
    stats = await statPath(joined)
  } catch (err) {
    if (isNotFound(err)) return NONE
    throw err
  }
  if (stats.isFile()) {
    const real = await containedRealPath(joined, realRoot, options.followSymlinks)
    if (real === undefined) return NONE
    if (trailingSlash) return NOT_A_DIRECTORY
    return { kind: 'file', file: joined, real, stats }
  }
  if (!stats.isDirectory() || options.index === false) return NONE
  const indexFile = path.join(joined, options.index)
  let indexStats: Stats
  try {
    indexStats = await statPath(indexFile)
  } catch (err) {
    if (isNotFound(err)) return NONE
    throw err
  }
  if (!indexStats.isFile()) return NONE
  const real = await containedRealPath(indexFile, realRoot, options.followSymlinks)
  if (real === undefined) return NONE
  if (!trailingSlash && segments.length > 0) return REDIRECT
  return { kind: 'file', file: indexFile, real, stats: indexStats }
}

/**
 * Takes the resolution an allowlist made of a path (its hit's real `file`, see allowlist-gate.ts)
 * instead of resolving the path again: the allowlist's symlink and containment policy decided which
 * file the path means; this checks only that the decision still holds on disk.
 *
 * - `real` must still be a regular file (missing, a directory, a FIFO → none);
 * - and still its own real path: when a component was swapped for a symlink since the allowlist
 *   resolved it, `real` now means another file → none (the allowlist's next table decides again).
 *
 * The `stat` comes first, as in {@link resolvePath}: the file opened later is checked against it
 * (device and inode), so a swap after the realpath check is caught too.
 *
 * Static's own dotfile rule still applies first (`dotfiles: false` refuses a listed dotfile too).
 *
 * @param root - the absolute root (to join the requested path: content type, variants, `setHeaders`)
 * @param segments - canonical segments of the requested path
 * @param real - the hit's `file`: the real path the allowlist resolved and checked
 * @param options - the dotfile rule
 * @returns `{ kind: 'file' }` with `real` as the file to open, or none
 * @example
 * ```ts
 * await resolveAdmitted('/srv/www', ['shared.txt'], '/srv/common/shared.txt', { dotfiles: false })
 * // { kind: 'file', file: '/srv/www/shared.txt', real: '/srv/common/shared.txt', stats }
 * ```
 */
export async function resolveAdmitted(
  root: string,
  segments: readonly string[],
  real: string,
  options: Pick<ResolveOptions, 'dotfiles'>,
): Promise<Resolution> {
  if (!options.dotfiles && hasDotSegment(segments)) return NONE
  let stats: Stats
  try {
    stats = await statPath(real)
  } catch (err) {
    if (isNotFound(err)) return NONE
    throw err
  }
  if (!stats.isFile()) return NONE
  let now: string
  try {
    now = await realPath(real)
  } catch (err) {
    if (isNotFound(err)) return NONE
    throw err
  }
  if (now !== real) return NONE
  return { kind: 'file', file: joinSegments(root, segments), real, stats }
}
