/**
 * The matcher: every pattern of a rule set compiled into one segment trie, so that matching a path costs
 * a walk along its segments, whatever the number of rules.
 *
 * @module
 */
import type { PathPattern } from './pattern.js'

/**
 * One pattern that matched: its index in the list the trie was built from, and the values it captured.
 *
 * @example
 * ```ts
 * const m: PatternMatch = { index: 3, params: { slug: 'hello', splat: 'a/b' } }
 * ```
 */
export interface PatternMatch {
  readonly index: number
  /** Placeholder values (decoded canonical segments), and `splat` for a splat. */
  readonly params: Readonly<Record<string, string>>
}

/** A pattern stored at the node where it ends. */
interface Entry {
  readonly index: number
  readonly names: readonly string[]
  readonly exact: boolean
  readonly trailingSlash: boolean
  /** Ends in a splat (its last name is the splat's). */
  readonly splat: boolean
}

/** One trie node: exact segment children, one placeholder child, and the patterns ending here. */
class TrieNode {
  literal: Map<string, TrieNode> | undefined
  param: TrieNode | undefined
  /** Patterns that end here without a splat. */
  readonly terminal: Entry[] = []
  /** Patterns that end here with a splat. */
  readonly splat: Entry[] = []
  /** Patterns whose last segment is `*.ext`, by extension. */
  extension: Map<string, Entry[]> | undefined
}

/**
 * A segment trie over a list of patterns: exact segments, one placeholder child per node (placeholders
 * of any name share it), a splat list and an extension table per node.
 *
 * @remarks
 * A lookup visits, at each depth, at most the exact child and the placeholder child, so its cost depends
 * on the path (its segments, and how many of its prefixes are both an exact segment and a placeholder in
 * the rules), never on how many rules there are. Results come in the order of the patterns' indexes:
 * the order of precedence.
 *
 * @example
 * ```ts
 * const trie = new PatternTrie([compilePattern('/blog/:slug', 'netlify'), compilePattern('/*', 'netlify')])
 * trie.match(['blog', 'hello'], false)
 * // [{ index: 0, params: { slug: 'hello' } }, { index: 1, params: { splat: 'blog/hello' } }]
 * ```
 */
export class PatternTrie {
  readonly #root = new TrieNode()
  readonly #anyDepth = new Map<string, Entry[]>()
  /** How many patterns the trie holds. */
  readonly size: number

  /** @param patterns - the patterns, in order of precedence */
  constructor(patterns: readonly PathPattern[]) {
    this.size = patterns.length
    patterns.forEach((pattern, index) => this.#insert(pattern, index))
  }

  #insert(pattern: PathPattern, index: number): void {
    const names: string[] = []
    const entry = (): Entry => ({ index, names, exact: pattern.slash === 'exact', trailingSlash: pattern.trailingSlash, splat: pattern.splat })
    let node = this.#root
    for (const segment of pattern.segments) {
      if (segment.kind === 'literal') {
        node.literal ??= new Map()
        let child = node.literal.get(segment.value)
        if (child === undefined) node.literal.set(segment.value, (child = new TrieNode()))
        node = child
      } else if (segment.kind === 'param') {
        names.push(segment.name)
        node = node.param ??= new TrieNode()
      } else {
        const table = pattern.anyDepth ? this.#anyDepth : (node.extension ??= new Map())
        const e = entry()
        for (const ext of segment.extensions) {
          let list = table.get(ext)
          if (list === undefined) table.set(ext, (list = []))
          list.push(e)
        }
        return
      }
    }
    if (pattern.splat) {
      names.push('splat')
      node.splat.push(entry())
    } else {
      node.terminal.push(entry())
    }
  }

  /**
   * Every pattern that matches a canonical path, in order of precedence.
   *
   * @param segments - the canonical path's segments (`ctx.req.canonicalPath.segments`)
   * @param trailingSlash - whether the canonical path ends in `/`
   * @returns the matches, lowest index first
   * @example
   * ```ts
   * const path = canonicalizePath('/blog/hello')
   * if (path.ok) trie.match(path.segments, path.trailingSlash)
   * ```
   */
  match(segments: readonly string[], trailingSlash: boolean): PatternMatch[] {
    const out: PatternMatch[] = []
    const captured: string[] = []
    walk(this.#root, 0, segments, trailingSlash, captured, out)
    if (segments.length > 0 && this.#anyDepth.size > 0) {
      matchExtension(this.#anyDepth, segments[segments.length - 1]!, trailingSlash, captured, out)
    }
    if (out.length > 1) {
      out.sort((a, b) => a.index - b.index)
      // A name such as a.min.js can reach one `*.@(js|min.js)` pattern twice: keep it once.
      let w = 1
      for (let r = 1; r < out.length; r++) if (out[r]!.index !== out[w - 1]!.index) out[w++] = out[r]!
      out.length = w
    }
    return out
  }

  /**
   * The first pattern (in order of precedence) that matches, or undefined.
   *
   * @param segments - the canonical path's segments
   * @param trailingSlash - whether the canonical path ends in `/`
   * @returns the match with the lowest index
   * @example
   * ```ts
   * trie.first(['blog', 'hello'], false)?.params.slug // 'hello'
   * ```
   */
  first(segments: readonly string[], trailingSlash: boolean): PatternMatch | undefined {
    const best: Best = { entry: undefined, captured: [], depth: 0 }
    const captured: string[] = []
    walkFirst(this.#root, 0, segments, trailingSlash, captured, best)
    if (segments.length > 0 && this.#anyDepth.size > 0) {
      firstExtension(this.#anyDepth, segments[segments.length - 1]!, trailingSlash, captured, best, segments.length)
    }
    const e = best.entry
    if (e === undefined) return undefined
    const rest = e.splat ? restOf(segments, best.depth, trailingSlash) : undefined
    return { index: e.index, params: paramsOf(e.names, best.captured, rest) }
  }
}

/** The best (lowest-index) candidate seen so far by {@link walkFirst}. */
interface Best {
  entry: Entry | undefined
  captured: string[]
  depth: number
}

/** Keeps `e` if it beats the best so far (copying the captured values only then). */
function offer(best: Best, e: Entry, captured: readonly string[], depth: number): void {
  if (best.entry !== undefined && best.entry.index <= e.index) return
  best.entry = e
  best.captured = captured.slice()
  best.depth = depth
}

/** Like {@link walk}, but only tracks the lowest index: no result objects on the way. */
function walkFirst(node: TrieNode, depth: number, segments: readonly string[], trailingSlash: boolean, captured: string[], best: Best): void {
  const n = segments.length
  // Lists are in index order: the first acceptable entry of a list is its best.
  if (node.splat.length > 0) offer(best, node.splat[0]!, captured, depth)
  if (depth === n) {
    for (const e of node.terminal) {
      if (!e.exact || e.trailingSlash === trailingSlash) {
        offer(best, e, captured, depth)
        break
      }
    }
    return
  }
  const segment = segments[depth]!
  const child = node.literal?.get(segment)
  if (child !== undefined) walkFirst(child, depth + 1, segments, trailingSlash, captured, best)
  if (node.param !== undefined) {
    captured.push(segment)
    walkFirst(node.param, depth + 1, segments, trailingSlash, captured, best)
    captured.pop()
  }
  if (depth === n - 1 && node.extension !== undefined) firstExtension(node.extension, segment, trailingSlash, captured, best, depth)
}

/** {@link matchExtension} for {@link walkFirst}. */
function firstExtension(table: Map<string, Entry[]>, name: string, trailingSlash: boolean, captured: string[], best: Best, depth: number): void {
  for (let i = name.indexOf('.', 1); i >= 0; i = name.indexOf('.', i + 1)) {
    const list = table.get(name.slice(i + 1))
    if (list === undefined) continue
    for (const e of list) {
      if (!e.exact || !trailingSlash) {
        offer(best, e, captured, depth)
        break
      }
    }
  }
}

/** The value of a splat that starts at `depth`. */
function restOf(segments: readonly string[], depth: number, trailingSlash: boolean): string {
  const n = segments.length
  if (depth >= n) return ''
  // A loop, not slice().join(): on the core's frozen segment arrays those take a slow path (~0.5 µs).
  let rest = segments[depth]!
  for (let i = depth + 1; i < n; i++) rest += '/' + segments[i]!
  return trailingSlash ? rest + '/' : rest
}

/** Depth-first walk: exact child, then placeholder child; splats and terminals collected on the way. */
function walk(node: TrieNode, depth: number, segments: readonly string[], trailingSlash: boolean, captured: string[], out: PatternMatch[]): void {
  const n = segments.length
  if (node.splat.length > 0) {
    const rest = restOf(segments, depth, trailingSlash)
    for (const e of node.splat) out.push({ index: e.index, params: paramsOf(e.names, captured, rest) })
  }
  if (depth === n) {
    for (const e of node.terminal) {
      if (!e.exact || e.trailingSlash === trailingSlash) out.push({ index: e.index, params: paramsOf(e.names, captured) })
    }
    return
  }
  const segment = segments[depth]!
  const child = node.literal?.get(segment)
  if (child !== undefined) walk(child, depth + 1, segments, trailingSlash, captured, out)
  if (node.param !== undefined) {
    captured.push(segment)
    walk(node.param, depth + 1, segments, trailingSlash, captured, out)
    captured.pop()
  }
  if (depth === n - 1 && node.extension !== undefined) matchExtension(node.extension, segment, trailingSlash, captured, out)
}

/** Patterns `*.ext` that the name matches: one lookup per dot in the name (not at its start). */
function matchExtension(table: Map<string, Entry[]>, name: string, trailingSlash: boolean, captured: string[], out: PatternMatch[]): void {
  for (let i = name.indexOf('.', 1); i >= 0; i = name.indexOf('.', i + 1)) {
    const list = table.get(name.slice(i + 1))
    if (list === undefined) continue
    for (const e of list) {
      if (!e.exact || !trailingSlash) out.push({ index: e.index, params: paramsOf(e.names, captured) })
    }
  }
}

/** The params object of one match (no prototype: a placeholder may be called `__proto__`). */
function paramsOf(names: readonly string[], captured: readonly string[], splat?: string): Record<string, string> {
  const params = Object.create(null) as Record<string, string>
  const count = splat === undefined ? names.length : names.length - 1
  for (let i = 0; i < count; i++) params[names[i]!] = captured[i]!
  if (splat !== undefined) params.splat = splat
  return params
}
