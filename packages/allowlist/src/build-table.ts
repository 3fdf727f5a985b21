/**
 * Builds the allowlist table: rules → checked files → `Map<canonical URL path, hit>` plus a report.
 *
 * @module
 */
import type { Dirent } from 'node:fs'
import { lstat, realpath, stat } from 'node:fs/promises'
import { join, resolve, sep } from 'node:path'
import { DirLister } from './dir-lister.js'
import { canonicalProblem, type ParsedEntry } from './parse-entry.js'
import { compileGlob, matchGlob, type CompiledGlob } from './glob.js'
import type { AllowedFile, AllowlistHit, AllowlistReport, RejectedEntry } from './types.js'
import { walk, type WalkOptions } from './walk.js'
import { createDebug } from 'tinyhttp-core'

const debug = createDebug('tinyhttp:allowlist')

/**
 * One rule of the list, in order: an entry to include, or (after `remove()`) one to exclude. For each
 * file, the last rule that matches it decides.
 *
 * @example
 * ```ts
 * const rules: Rule[] = [
 *   { op: 'include', parsed: parseEntry('*.txt') },
 *   { op: 'exclude', parsed: parseEntry('draft.txt', true) }, // every .txt but draft.txt
 * ]
 * ```
 */
export interface Rule {
  readonly op: 'include' | 'exclude'
  readonly parsed: ParsedEntry
}

/**
 * Settings of one build.
 *
 * @example
 * ```ts
 * const options: BuildOptions = { root: './public', index: 'index.html', followSymlinks: false }
 * ```
 */
export interface BuildOptions {
  /** The root folder (resolved and realpath'd by the build). */
  readonly root: string
  /** Index file name for `/` and `/dir/`, or false. */
  readonly index: string | false
  /** Accept files whose real path is outside the root. */
  readonly followSymlinks: boolean
  /** Walk depth bound. */
  readonly maxDepth?: number
  /** Walk entry-count bound. */
  readonly maxEntries?: number
}

/**
 * A built table.
 *
 * @example
 * ```ts
 * const { table, report } = await buildTable(rules, options)
 * table.get('/index.html')?.file
 * ```
 */
export interface BuiltTable {
  /** Canonical URL path → hit. Never mutated after the build. */
  readonly table: ReadonlyMap<string, AllowlistHit>
  /** What was allowed, refused and unmatched. */
  readonly report: AllowlistReport
  /** Real path of the root. */
  readonly rootReal: string
  /** Directories read during the build (absolute): the ones to watch. */
  readonly dirs: readonly string[]
}

interface Candidate {
  /** Label for the report: the exact entry, or the relative path a glob found. */
  readonly label: string
  readonly rel: string
  readonly segments: readonly string[]
  readonly abs: string
}

const PARALLEL_CHECKS = 32

/** Runs `fn` over `items` with at most `limit` in flight. */
async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/**
 * The directory entry an exact entry names, when every segment is present, spelled exactly, in its
 * parent's listing; else undefined.
 */
async function direntExactly(lister: DirLister, rootReal: string, segments: readonly string[]): Promise<Dirent | undefined> {
  let dir = rootReal
  let dirent: Dirent | undefined
  for (let i = 0; i < segments.length; i++) {
    const listing = await lister.list(dir)
    dirent = listing?.get(segments[i]!)
    if (dirent === undefined) return undefined
    if (i < segments.length - 1 && !dirent.isDirectory() && !dirent.isSymbolicLink()) return undefined
    dir = join(dir, segments[i]!)
  }
  return dirent
}

/** Whether a listed name is a folder (a directory, or a symlink to one). */
async function isFolder(dirent: Dirent, abs: string): Promise<boolean> {
  if (dirent.isDirectory()) return true
  if (!dirent.isSymbolicLink()) return false
  try {
    return (await stat(abs)).isDirectory()
  } catch {
    return false
  }
}

/** Every non-dot path below a folder: what a folder entry serves (`docs` = `docs/**`). */
const EVERYTHING = compileGlob('**')

/**
 * Whether `segments` lies below the folder `prefix` (at least one more segment), with no dot segment
 * after the prefix unless `dot` (exclusions). Dot segments of the prefix itself were spelled exactly.
 */
function underFolder(prefix: readonly string[], segments: readonly string[], dot: boolean): boolean {
  const n = prefix.length
  if (segments.length <= n) return false
  for (let i = 0; i < n; i++) if (segments[i] !== prefix[i]) return false
  if (!dot) for (let i = n; i < segments.length; i++) if (segments[i]!.charCodeAt(0) === 0x2e) return false
  return true
}

/**
 * Decides, for any path, which rule applies: the last one that matches it. Exact rules are looked up by
 * path and only globs are tried, newest first, so a long list of exact entries costs O(1) per file.
 */
class RuleIndex {
  readonly #exact = new Map<string, number>()
  /** Globs and folders, in rule order. */
  readonly #patterns: Array<{ index: number; glob: CompiledGlob | undefined; folder: readonly string[] | undefined; dot: boolean }> = []
  readonly #rules: readonly Rule[]

  /**
   * @param rules - the rules in order
   * @param folders - rule index → folder segments, for the exact or folder rules that name a folder
   */
  constructor(rules: readonly Rule[], folders: ReadonlyMap<number, readonly string[]>) {
    this.#rules = rules
    for (let i = 0; i < rules.length; i++) {
      const { op, parsed } = rules[i]!
      const dot = op === 'exclude'
      const folder = folders.get(i)
      if (folder !== undefined) this.#patterns.push({ index: i, glob: undefined, folder, dot })
      else if (parsed.kind === 'exact') this.#exact.set(parsed.entry, i)
      else if (parsed.kind === 'glob') for (const glob of parsed.globs) this.#patterns.push({ index: i, glob, folder: undefined, dot })
    }
  }

  /** The op of the deciding rule, or undefined when none matches. */
  decide(rel: string, segments: readonly string[]): 'include' | 'exclude' | undefined {
    const exact = this.#exact.get(rel) ?? -1
    for (let g = this.#patterns.length - 1; g >= 0; g--) {
      const { index, glob, folder, dot } = this.#patterns[g]!
      if (index < exact) break
      if (glob !== undefined ? matchGlob(glob, segments, dot) : underFolder(folder!, segments, dot)) return this.#rules[index]!.op
    }
    return exact >= 0 ? this.#rules[exact]!.op : undefined
  }
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined
}

/** Resolves and checks one candidate: the allowed file, or the reason it is refused. */
async function check(
  c: Candidate,
  rootReal: string,
  followSymlinks: boolean,
): Promise<{ file: string; size: number; mtimeMs: number } | { reason: string }> {
  // The URL path must be one core's canonicalizer produces, or the file would be silently unreachable.
  const problem = canonicalProblem('/' + c.rel)
  if (problem !== undefined) return { reason: problem }
  let real: string
  try {
    real = await realpath(c.abs)
  } catch (err) {
    const code = errorCode(err)
    return { reason: code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' ? 'not-found' : `error:${code ?? 'unknown'}` }
  }
  const prefix = rootReal.endsWith(sep) ? rootReal : rootReal + sep
  if (!real.startsWith(prefix) && !followSymlinks) {
    let self = false
    try {
      self = (await lstat(c.abs)).isSymbolicLink()
    } catch {
      // vanished: the realpath above succeeded, so treat it as going through a directory link
    }
    return { reason: self ? 'symlink-outside-root' : 'outside-root' }
  }
  try {
    const st = await stat(real)
    if (!st.isFile()) return { reason: 'not-a-regular-file' }
    return { file: real, size: st.size, mtimeMs: st.mtimeMs }
  } catch (err) {
    const code = errorCode(err)
    return { reason: code === 'ENOENT' || code === 'ENOTDIR' ? 'not-found' : `error:${code ?? 'unknown'}` }
  }
}

/** One frozen hit (every hit has the same fields in the same order: one shape for the readers). */
function hitOf(
  urlPath: string,
  f: { readonly file: string; readonly size: number; readonly mtimeMs: number },
  root: string,
  kind: AllowlistHit['kind'],
): AllowlistHit {
  return Object.freeze({ urlPath, file: f.file, root, size: f.size, mtimeMs: f.mtimeMs, kind })
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Builds a table from the rules. Touches only the file system; never the live table (the caller swaps).
 *
 * @param rules - include/exclude rules in order
 * @param options - root, index name, symlink policy, walk bounds
 * @returns the table, its report, the real root and the directories read
 * @throws Error when the root cannot be resolved or is not a directory
 * @example
 * ```ts
 * const built = await buildTable([{ op: 'include', parsed: parseEntry('index.html') }], { root: './public', index: 'index.html', followSymlinks: false })
 * built.table.get('/') // { urlPath: '/', file: '/…/public/index.html', root: '/…/public', kind: 'index', … }
 * ```
 */
export async function buildTable(rules: readonly Rule[], options: BuildOptions): Promise<BuiltTable> {
  const rootReal = await realpath(resolve(options.root))
  if (!(await stat(rootReal)).isDirectory()) throw new Error('allowlist: the root is not a directory')
  const lister = new DirLister()
  const rejected: RejectedEntry[] = []
  const candidates = new Map<string, Candidate>()
  /** Include rules that found something, by rule index. */
  const found = new Set<number>()
  /** Rules (include or exclude) that name a folder: rule index → its segments. */
  const folderRules = new Map<number, readonly string[]>()
  const folders: string[] = []
  const walkBounds: Pick<WalkOptions, 'maxDepth' | 'maxEntries'> = {
    ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
    ...(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries }),
  }
  const prefix = rootReal.endsWith(sep) ? rootReal : rootReal + sep

  const globRules: Array<{ index: number; glob: CompiledGlob; entry: string }> = []
  for (let i = 0; i < rules.length; i++) {
    const { op, parsed } = rules[i]!
    if (parsed.kind === 'exact' || parsed.kind === 'folder') {
      const abs = join(rootReal, ...parsed.segments)
      const dirent = await direntExactly(lister, rootReal, parsed.segments)
      const folder = dirent !== undefined && (await isFolder(dirent, abs))
      if (folder) folderRules.set(i, parsed.segments)
      if (op !== 'include' || dirent === undefined) continue
      if (folder) {
        await includeFolder(i, parsed.entry, parsed.segments, abs)
      } else if (parsed.kind === 'folder') {
        rejected.push({ entry: parsed.entry, reason: 'not-a-directory' })
        found.add(i)
      } else {
        found.add(i)
        if (!candidates.has(parsed.entry)) candidates.set(parsed.entry, { label: parsed.entry, rel: parsed.entry, segments: parsed.segments, abs })
      }
    } else if (op === 'include') {
      if (parsed.kind === 'invalid') {
        rejected.push({ entry: parsed.entry, reason: parsed.reason })
        found.add(i)
      } else {
        for (const glob of parsed.globs) globRules.push({ index: i, glob, entry: parsed.entry })
      }
    }
  }

  /** A folder entry: every non-dotfile below it, found by a walk of that folder alone. */
  async function includeFolder(i: number, entry: string, segments: readonly string[], abs: string): Promise<void> {
    let real: string
    try {
      real = await realpath(abs)
    } catch {
      return // vanished since it was listed: unmatched
    }
    if (!real.startsWith(prefix) && !options.followSymlinks) {
      let self = false
      try {
        self = (await lstat(abs)).isSymbolicLink()
      } catch {
        // vanished: report it as going through a directory link
      }
      rejected.push({ entry, reason: self ? 'symlink-outside-root' : 'outside-root' })
      found.add(i)
      return
    }
    folders.push(entry)
    const result = await walk({ rootReal: real, globs: [EVERYTHING], followSymlinks: options.followSymlinks, lister, ...walkBounds })
    for (const f of result.files) {
      found.add(i)
      const fileSegments = [...segments, ...f.segments]
      const rel = fileSegments.join('/')
      if (!candidates.has(rel)) candidates.set(rel, { label: rel, rel, segments: fileSegments, abs: f.abs })
    }
    if (result.limited) rejected.push({ entry, reason: 'walk-limit' })
  }

  if (globRules.length > 0) {
    const result = await walk({
      rootReal,
      globs: globRules.map(g => g.glob),
      followSymlinks: options.followSymlinks,
      lister,
      ...walkBounds,
    })
    for (const f of result.files) {
      for (const g of f.matchedBy) found.add(globRules[g]!.index)
      if (!candidates.has(f.rel)) candidates.set(f.rel, { label: f.rel, rel: f.rel, segments: f.segments, abs: f.abs })
    }
    if (result.limited) {
      for (const entry of new Set(globRules.map(g => g.entry))) rejected.push({ entry, reason: 'walk-limit' })
      debug('walk bound reached (depth or entry count): glob results are incomplete')
    }
  }

  const unmatched: string[] = []
  for (let i = 0; i < rules.length; i++) {
    const { op, parsed } = rules[i]!
    if (op === 'include' && !found.has(i)) unmatched.push(parsed.entry)
  }

  const allowed: AllowedFile[] = []
  const table = new Map<string, AllowlistHit>()
  const deciding = new RuleIndex(rules, folderRules)
  await forEachLimit([...candidates.values()], PARALLEL_CHECKS, async c => {
    if (deciding.decide(c.rel, c.segments) !== 'include') return // excluded by a later remove()
    const r = await check(c, rootReal, options.followSymlinks)
    if ('reason' in r) {
      rejected.push({ entry: c.label, reason: r.reason })
      return
    }
    const urlPath = '/' + c.rel
    allowed.push({ urlPath, file: r.file, size: r.size, mtimeMs: r.mtimeMs })
    table.set(urlPath, hitOf(urlPath, r, rootReal, 'file'))
  })

  allowed.sort((a, b) => byString(a.urlPath, b.urlPath))
  rejected.sort((a, b) => byString(a.entry, b.entry) || byString(a.reason, b.reason))

  // `/dir/` (and `/`) → a listed index file; `/dir` passes too so static can redirect it to `/dir/`.
  const index = options.index
  if (index !== false) {
    for (const f of allowed) {
      if (!f.urlPath.endsWith('/' + index)) continue
      const dirPath = f.urlPath.slice(0, f.urlPath.length - index.length)
      if (!table.has(dirPath)) table.set(dirPath, hitOf(dirPath, f, rootReal, 'index'))
      if (dirPath.length > 1) {
        const bare = dirPath.slice(0, -1)
        if (!table.has(bare)) table.set(bare, hitOf(bare, f, rootReal, 'directory'))
      }
    }
  }

  for (const r of rejected) debug('rejected %s: %s', r.entry, r.reason)
  for (const u of unmatched) debug('unmatched entry (matched no file): %s', u)
  debug('table built: %d files, %d keys, %d rejected, %d unmatched', allowed.length, table.size, rejected.length, unmatched.length)

  // The hits above are frozen (they are shared by every request); the report is plain data for callers.
  folders.sort(byString)
  const report: AllowlistReport = { allowed, rejected, unmatched, folders }
  return { table, report, rootReal, dirs: await lister.listed() }
}
