/**
 * A small glob matcher with no regular expressions and no backtracking: `*`, `**`, `?` and literals.
 *
 * @remarks
 * - `*` matches any run of characters within one segment, `?` exactly one character (code point).
 * - `**` as a whole segment matches zero or more whole segments (at least one at the end: `a/**` is what
 *   is inside `a`); elsewhere (`a**b`) it is a plain `*`.
 * - By default a path with any segment starting with `.` never matches, so a glob never serves a dotfile
 *   nor anything inside a dot directory; with `dot` (exclusions only) wildcards match dots as well.
 * - There are no character classes or escapes: `[` and the rest are literal characters. Brace groups
 *   (`*.{js,css}`) are expanded before a pattern gets here (brace.ts), so `{` is literal to the matcher.
 *
 * Matching splits each pattern at its stars into fixed-length chunks: the first chunk is anchored at the
 * start, the last at the end, and every middle chunk is taken at its leftmost position (which is always
 * optimal, so no choice is ever revisited). The same algorithm runs on two levels: characters within a
 * segment (chunks between `*`), and segments within a path (chunks between `**`). The cost is at most
 * `O(n·m)` comparisons per level for a subject of length `n` and a pattern of length `m`, never
 * exponential, whatever the input.
 *
 * @module
 */

/** `?` inside a compiled chunk. Real code points are never negative. */
const ANY = -1
const STAR = 0x2a
const QUESTION = 0x3f
const DOT = 0x2e

/**
 * One compiled pattern segment (not `**`).
 *
 * @example
 * ```ts
 * const s: SegmentPattern = compileSegment('a*b?') // chunks [[0x61], [0x62, -1]], star: true, minLength 3
 * ```
 */
export interface SegmentPattern {
  /** The segment as written. */
  readonly source: string
  /** Code-point chunks between stars (`?` as -1); one chunk when there is no star. */
  readonly chunks: readonly (readonly number[])[]
  /** Whether the segment contains a star. */
  readonly star: boolean
  /** Sum of the chunk lengths: the shortest name it can match. */
  readonly minLength: number
  /** Whether the pattern starts with a wildcard (it then refuses names starting with `.`). */
  readonly wildStart: boolean
}

/**
 * A pattern segment: `'**'` or a compiled segment.
 *
 * @example
 * ```ts
 * const parts: PatternPart[] = [...compileGlob('a/**').parts] // [SegmentPattern, '**']
 * ```
 */
export type PatternPart = '**' | SegmentPattern

/**
 * A compiled glob.
 *
 * @example
 * ```ts
 * const g: CompiledGlob = compileGlob('a/**\/b/*.css')
 * g.groups.length // 2: [a] and [b, *.css] around one globstar
 * ```
 */
export interface CompiledGlob {
  /** The pattern as given (already normalized by the caller). */
  readonly source: string
  /** The segments, `'**'` for a globstar. */
  readonly parts: readonly PatternPart[]
  /** Groups of consecutive non-`**` segments, split at each `**` (so `groups.length - 1` globstars). */
  readonly groups: readonly (readonly SegmentPattern[])[]
}

/**
 * Whether a string contains a glob metacharacter (`*` or `?`).
 *
 * @param s - an allowlist entry
 * @returns true for a glob
 * @example
 * ```ts
 * isGlob('assets/*.css') // true
 * isGlob('index.html')   // false
 * ```
 */
export function isGlob(s: string): boolean {
  return s.includes('*') || s.includes('?')
}

function codePoints(s: string): number[] {
  const out: number[] = []
  for (const ch of s) out.push(ch.codePointAt(0)!)
  return out
}

/**
 * Compiles one pattern segment.
 *
 * @param source - a segment such as `*.min.js` (not `**`)
 * @returns the compiled segment
 * @example
 * ```ts
 * matchSegment(compileSegment('*.css'), 'site.css') // true
 * ```
 */
export function compileSegment(source: string): SegmentPattern {
  const chunks: number[][] = [[]]
  let star = false
  for (const cp of codePoints(source)) {
    if (cp === STAR) {
      star = true
      // Consecutive stars are one star.
      if (chunks[chunks.length - 1]!.length > 0 || chunks.length === 1) chunks.push([])
    } else {
      chunks[chunks.length - 1]!.push(cp === QUESTION ? ANY : cp)
    }
  }
  let minLength = 0
  for (const c of chunks) minLength += c.length
  const first = chunks[0]!
  const wildStart = star ? first.length === 0 || first[0] === ANY : first[0] === ANY
  return { source, chunks, star, minLength, wildStart }
}

/**
 * Compiles a glob. The caller has already checked the segment syntax (no empty, `.` or `..` segments).
 *
 * @param source - a `/`-separated pattern such as `assets/**\/*.css`
 * @returns the compiled glob
 * @example
 * ```ts
 * const g = compileGlob('assets/**\/*.css')
 * matchGlob(g, ['assets', 'css', 'site.css']) // true
 * ```
 */
export function compileGlob(source: string): CompiledGlob {
  const parts: PatternPart[] = []
  const groups: SegmentPattern[][] = [[]]
  for (const seg of source.split('/')) {
    if (seg === '**') {
      // `**/**` is one globstar.
      if (parts[parts.length - 1] === '**') continue
      parts.push('**')
      groups.push([])
    } else {
      const compiled = compileSegment(seg)
      parts.push(compiled)
      groups[groups.length - 1]!.push(compiled)
    }
  }
  return { source, parts, groups }
}

/** Whether `chunk` matches `name` at `pos` (the caller guarantees it fits). */
function chunkAt(name: readonly number[], pos: number, chunk: readonly number[]): boolean {
  for (let i = 0; i < chunk.length; i++) {
    const c = chunk[i]!
    if (c !== ANY && c !== name[pos + i]) return false
  }
  return true
}

/**
 * Whether one name (a single path segment) matches a compiled segment.
 *
 * @param pattern - from {@link compileSegment}
 * @param name - a file or directory name
 * @param dot - whether a wildcard may match a leading `.` (default false)
 * @returns whether it matches
 * @example
 * ```ts
 * matchSegment(compileSegment('*.css'), '.hidden.css') // false: a wildcard never matches a leading dot
 * ```
 */
export function matchSegment(pattern: SegmentPattern, name: string, dot = false): boolean {
  if (!dot && pattern.wildStart && name.charCodeAt(0) === DOT) return false
  // Fast path for literal segments: plain string equality.
  if (!pattern.star && !pattern.source.includes('?')) return pattern.source === name
  const cps = codePoints(name)
  const n = cps.length
  const chunks = pattern.chunks
  if (n < pattern.minLength) return false
  const first = chunks[0]!
  if (!pattern.star) return n === first.length && chunkAt(cps, 0, first)
  const last = chunks[chunks.length - 1]!
  if (!chunkAt(cps, 0, first) || !chunkAt(cps, n - last.length, last)) return false
  let pos = first.length
  const end = n - last.length
  for (let k = 1; k < chunks.length - 1; k++) {
    const chunk = chunks[k]!
    let p = pos
    const lastStart = end - chunk.length
    while (p <= lastStart && !chunkAt(cps, p, chunk)) p++
    if (p > lastStart) return false
    pos = p + chunk.length
  }
  return true
}

/** Whether `group` matches `segments[pos, pos + group.length)`. */
function groupAt(group: readonly SegmentPattern[], segments: readonly string[], pos: number, dot: boolean): boolean {
  for (let i = 0; i < group.length; i++) {
    if (!matchSegment(group[i]!, segments[pos + i]!, dot)) return false
  }
  return true
}

/**
 * Whether a relative path (as segments) matches a compiled glob.
 *
 * @remarks
 * With `dot` false (the default, used for entries) a path with any segment starting with `.` never
 * matches. With `dot` true (used for exclusions, where matching more is the safe side) wildcards and
 * `**` match dot segments too.
 *
 * @param glob - from {@link compileGlob}
 * @param segments - the path's segments, e.g. `['assets', 'site.css']`
 * @param dot - whether wildcards may match a leading `.`
 * @returns whether it matches
 * @example
 * ```ts
 * matchGlob(compileGlob('**\/*.css'), ['site.css'])        // true: ** matches zero segments
 * matchGlob(compileGlob('**\/*.css'), ['.cache', 'x.css']) // false: never through a dot directory
 * ```
 */
export function matchGlob(glob: CompiledGlob, segments: readonly string[], dot = false): boolean {
  const n = segments.length
  if (!dot) {
    for (let i = 0; i < n; i++) if (segments[i]!.charCodeAt(0) === DOT) return false
  }
  const groups = glob.groups
  const first = groups[0]!
  if (groups.length === 1) return n === first.length && groupAt(first, segments, 0, dot)
  const last = groups[groups.length - 1]!
  // A trailing `**` needs at least one segment: `a/**` is what is inside `a`, not a file named `a`.
  const reserved = glob.parts[glob.parts.length - 1] === '**' ? 1 : 0
  let min = reserved
  for (const g of groups) min += g.length
  if (n < min) return false
  if (!groupAt(first, segments, 0, dot) || !groupAt(last, segments, n - last.length, dot)) return false
  const end = n - last.length - reserved
  let pos = first.length
  for (let k = 1; k < groups.length - 1; k++) {
    const group = groups[k]!
    let p = pos
    const lastStart = end - group.length
    while (p <= lastStart && !groupAt(group, segments, p, dot)) p++
    if (p > lastStart) return false
    pos = p + group.length
  }
  return true
}

/**
 * Whether a directory (given by its segments relative to the root) can contain a file the glob matches:
 * used to prune the walk.
 *
 * @param glob - from {@link compileGlob}
 * @param dirSegments - the directory's path segments
 * @returns false when nothing below the directory can match
 * @example
 * ```ts
 * canContain(compileGlob('assets/*.css'), ['assets'])        // true
 * canContain(compileGlob('assets/*.css'), ['node_modules'])  // false
 * ```
 */
export function canContain(glob: CompiledGlob, dirSegments: readonly string[]): boolean {
  const parts = glob.parts
  for (let i = 0; i < dirSegments.length; i++) {
    const part = parts[i]
    if (part === '**') return dirSegments[i]!.charCodeAt(0) !== DOT
    // The last pattern segment names the file itself: no room for another directory.
    if (part === undefined || i >= parts.length - 1) return false
    if (dirSegments[i]!.charCodeAt(0) === DOT || !matchSegment(part, dirSegments[i]!)) return false
  }
  return true
}
