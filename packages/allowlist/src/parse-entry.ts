/**
 * Parsing of the list's entries (the strings given to `allowlist()`, `add()` and `remove()`):
 * normalization, syntax checks, exact path, folder or glob. (Not to be confused with static's cache
 * entry, `cache-entry.ts` in tinyhttp-static.)
 *
 * @module
 */
import { canonicalizePath, encodePath } from 'tinyhttp-core'
import { expandBraces, hasBraceSyntax } from './brace.js'
import { compileGlob, isGlob, type CompiledGlob } from './glob.js'

/**
 * An entry naming one file.
 *
 * @example
 * ```ts
 * const e = parseEntry('docs/a b.txt') // { kind: 'exact', entry: 'docs/a b.txt', segments: ['docs', 'a b.txt'], urlPath: '/docs/a b.txt' }
 * ```
 */
export interface ExactEntry {
  readonly kind: 'exact'
  /** Normalized entry: no leading `/` or `./`. */
  readonly entry: string
  /** Its segments. */
  readonly segments: readonly string[]
  /** `'/' + entry`: the canonical URL path it serves. */
  readonly urlPath: string
}

/**
 * A glob entry: one pattern, or the alternatives of its brace groups.
 *
 * @example
 * ```ts
 * const e = parseEntry('*.{js,css}') // { kind: 'glob', entry: '*.{js,css}', globs: [*.js, *.css] }
 * ```
 */
export interface GlobEntry {
  readonly kind: 'glob'
  /** Normalized entry (braces as written). */
  readonly entry: string
  /** The compiled patterns (one per brace alternative); a path matches the entry when one matches. */
  readonly globs: readonly CompiledGlob[]
}

/**
 * An entry spelled with a trailing `/` (`docs/`): a folder, served as every non-dotfile under it. (An
 * exact entry without the slash that turns out to name a folder is served the same way.)
 *
 * @example
 * ```ts
 * const e = parseEntry('/docs/') // { kind: 'folder', entry: 'docs/', segments: ['docs'] }
 * ```
 */
export interface FolderEntry {
  readonly kind: 'folder'
  /** Normalized entry, with its trailing `/`. */
  readonly entry: string
  /** The folder's segments (dot segments allowed: they are spelled exactly). */
  readonly segments: readonly string[]
}

/**
 * An entry refused by its syntax alone (no file-system access happened).
 *
 * @example
 * ```ts
 * parseEntry('a/../b') // { kind: 'invalid', entry: 'a/../b', reason: 'invalid-entry' }
 * ```
 */
export interface InvalidEntry {
  readonly kind: 'invalid'
  /** Normalized entry (or the entry as given when it could not be normalized). */
  readonly entry: string
  /** `invalid-entry`, `dotfile-via-glob`, `unbalanced-brace`, `too-many-alternatives` or `canonical:<reason>`. */
  readonly reason: string
}

/**
 * A parsed entry.
 *
 * @example
 * ```ts
 * const p: ParsedEntry = parseEntry(userInput)
 * if (p.kind === 'invalid') console.warn(p.entry, p.reason)
 * ```
 */
export type ParsedEntry = ExactEntry | GlobEntry | FolderEntry | InvalidEntry

const DOT = 0x2e

function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1)
      if (!(d >= 0xdc00 && d <= 0xdfff)) return true
      i++
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return true
    }
  }
  return false
}

/**
 * Normalizes an entry: one leading `./` or `/` is dropped. Nothing else is rewritten.
 *
 * @param entry - the entry as given
 * @returns the normalized spelling
 * @example
 * ```ts
 * normalizeEntry('./css/site.css') // 'css/site.css'
 * normalizeEntry('/index.html')    // 'index.html'
 * ```
 */
export function normalizeEntry(entry: string): string {
  if (entry.startsWith('./')) return entry.slice(2)
  if (entry.startsWith('/')) return entry.slice(1)
  return entry
}

/**
 * Whether core's canonicalizer, given the percent-encoded URL path, gives back exactly `urlPath`.
 *
 * @param urlPath - a decoded path such as `/café/a b.txt`
 * @returns `undefined` when the path is reachable, else the reason (`canonical:<reason>`)
 * @example
 * ```ts
 * canonicalProblem('/a b.txt')  // undefined
 * canonicalProblem('/a:b.txt')  // 'canonical:forbidden-character'
 * canonicalProblem('/CON.txt')  // 'canonical:reserved-name'
 * ```
 */
export function canonicalProblem(urlPath: string): string | undefined {
  const r = canonicalizePath(encodePath(urlPath))
  if (!r.ok) return `canonical:${r.reason}`
  // Only a lone surrogate (impossible in names read from disk) can make the round trip differ.
  if (r.path !== urlPath) return 'invalid-entry'
  return undefined
}

/**
 * Parses one entry: normalizes it, expands its braces, checks its syntax, and tells an exact path, a
 * folder and a glob apart.
 *
 * @remarks
 * Refused (`invalid-entry`): empty, a `.` or `..` segment, an empty segment (`a//b`), a backslash (other
 * than the escapes `\{`, `\}`, `\,`), NUL, a lone surrogate, a glob with a trailing `/`. One trailing `/`
 * makes a folder entry (`docs/`). Brace groups (`*.{js,css}`) make a glob of several alternatives (see
 * brace.ts); `unbalanced-brace` and `too-many-alternatives` refuse the entry. A glob (or a brace entry)
 * with a segment spelling a leading `.` is refused as `dotfile-via-glob` unless `allowDotGlob`
 * (exclusions). An exact entry whose URL path core would refuse gives `canonical:<reason>`.
 *
 * @param raw - the entry as given
 * @param allowDotGlob - accept globs that spell dot segments (used for exclusions)
 * @returns the parsed entry
 * @example
 * ```ts
 * parseEntry('./a.txt')        // { kind: 'exact', entry: 'a.txt', segments: ['a.txt'], urlPath: '/a.txt' }
 * parseEntry('docs/')          // { kind: 'folder', entry: 'docs/', segments: ['docs'] }
 * parseEntry('assets/*.css')   // { kind: 'glob', entry: 'assets/*.css', globs: [glob] }
 * parseEntry('*.{js,css}')     // { kind: 'glob', entry: '*.{js,css}', globs: [glob *.js, glob *.css] }
 * parseEntry('../etc/passwd')  // { kind: 'invalid', entry: '../etc/passwd', reason: 'invalid-entry' }
 * ```
 */
export function parseEntry(raw: string, allowDotGlob = false): ParsedEntry {
  const entry = normalizeEntry(raw)
  if (!hasBraceSyntax(entry)) return parseOne(entry, allowDotGlob)
  const expanded = expandBraces(entry)
  if (!expanded.ok) return { kind: 'invalid', entry, reason: expanded.reason }
  // Only escapes: one entry, spelled with the literal characters.
  if (!expanded.alternation) return parseOne(expanded.alternatives[0]!, allowDotGlob)
  const globs: CompiledGlob[] = []
  for (const alternative of expanded.alternatives) {
    const parsed = parseOne(alternative, true)
    if (parsed.kind === 'invalid') return { kind: 'invalid', entry, reason: parsed.reason }
    if (parsed.kind === 'folder') return { kind: 'invalid', entry, reason: 'invalid-entry' }
    // Braces never name a dotfile: an alternative is a pattern, whether or not it has a wildcard.
    if (!allowDotGlob && alternative.split('/').some(seg => seg.charCodeAt(0) === DOT)) return { kind: 'invalid', entry, reason: 'dotfile-via-glob' }
    globs.push(parsed.kind === 'glob' ? parsed.globs[0]! : compileGlob(alternative))
  }
  return { kind: 'glob', entry, globs }
}

/** Parses one entry without braces (already expanded). */
function parseOne(entry: string, allowDotGlob: boolean): ParsedEntry {
  const invalid = (reason: string): InvalidEntry => ({ kind: 'invalid', entry, reason })
  if (entry.length === 0 || entry.includes('\\') || entry.includes('\0')) return invalid('invalid-entry')
  if (hasLoneSurrogate(entry)) return invalid('invalid-entry')
  const folder = entry.length > 1 && entry.endsWith('/')
  const segments = (folder ? entry.slice(0, -1) : entry).split('/')
  for (const seg of segments) {
    if (seg === '' || seg === '.' || seg === '..') return invalid('invalid-entry')
  }
  if (folder) {
    if (isGlob(entry)) return invalid('invalid-entry')
    const problem = canonicalProblem('/' + segments.join('/'))
    return problem === undefined ? { kind: 'folder', entry, segments } : invalid(problem)
  }
  if (isGlob(entry)) {
    if (!allowDotGlob && segments.some(seg => seg.charCodeAt(0) === DOT)) return invalid('dotfile-via-glob')
    return { kind: 'glob', entry, globs: [compileGlob(entry)] }
  }
  const urlPath = '/' + entry
  const problem = canonicalProblem(urlPath)
  if (problem !== undefined) return invalid(problem)
  return { kind: 'exact', entry, segments, urlPath }
}
