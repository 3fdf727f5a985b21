/**
 * A validated rule set compiled for requests: one trie for the routes, one for the header rules.
 *
 * @module
 */
import { fillDestination } from './destination.js'
import type { SiteRules, RouteRule } from './model.js'
import { PatternTrie } from './trie.js'
import { validateRules, type ValidateOptions } from './validate.js'

/**
 * The route rule that applies to a path, with its filled-in destination.
 *
 * @example
 * ```ts
 * const hit: RouteMatch | undefined = compiled.route(['news', '2024', 'x'], false)
 * hit?.target // '/blog/2024/x'
 * ```
 */
export interface RouteMatch {
  readonly rule: RouteRule
  readonly params: Readonly<Record<string, string>>
  /** The destination with the captured values filled in (percent-encoded). */
  readonly target: string
}

/**
 * A compiled rule set: lookups by canonical path that cost a walk along the path's segments, whatever
 * the number of rules.
 *
 * @example
 * ```ts
 * const compiled = compileRules(mergeRules([parseHeaders(h, '_headers'), parseRedirects(r, '_redirects')]))
 * const path = canonicalizePath('/app.3f9a1c2e.js')
 * if (path.ok) compiled.headers(path.segments, path.trailingSlash)
 * ```
 */
export interface CompiledRules {
  readonly rules: SiteRules
  /**
   * The first route rule (in order) that matches, or undefined.
   *
   * @param segments - the canonical path's segments
   * @param trailingSlash - whether the canonical path ends in `/`
   */
  route(segments: readonly string[], trailingSlash: boolean): RouteMatch | undefined
  /**
   * The headers every matching header rule gives, merged in rule order: a later rule's value for a name
   * (compared case-insensitively) replaces an earlier one, `null` means "remove"; the name keeps the
   * spelling of the last rule that set it.
   *
   * @param segments - the canonical path's segments
   * @param trailingSlash - whether the canonical path ends in `/`
   */
  headers(segments: readonly string[], trailingSlash: boolean): Array<readonly [string, string | null]>
  /**
   * Like {@link CompiledRules.headers} for a path and the file it was served from (`/docs/` and
   * `/docs/index.html`): the rules that match either apply, once each, in rule order.
   *
   * @param segments - the canonical path's segments
   * @param trailingSlash - whether the canonical path ends in `/`
   * @param fileSegments - the served file's path segments (no trailing slash)
   */
  headersForFile(segments: readonly string[], trailingSlash: boolean, fileSegments: readonly string[]): Array<readonly [string, string | null]>
}

/**
 * Validates a rule set ({@link validateRules}) and compiles it.
 *
 * @param rules - the merged rule set
 * @param options - allowed hosts for absolute destinations
 * @returns the compiled rules
 * @throws RulesConfigError when the rule set is invalid
 * @example
 * ```ts
 * const compiled = compileRules(parseRedirects('/old /new 308\n', '_redirects'))
 * compiled.route(['old'], false)?.target // '/new'
 * ```
 */
export function compileRules(rules: SiteRules, options: ValidateOptions = {}): CompiledRules {
  validateRules(rules, options)
  const routeTrie = new PatternTrie(rules.routes.map(r => r.pattern))
  // A destination without references is its own target: nothing to fill in per request.
  const fixedTargets = rules.routes.map(r => (r.to.parts.every(p => typeof p === 'string') ? r.to.text : undefined))
  const headerTrie = new PatternTrie(rules.headers.map(r => r.pattern))
  /** The fields of these header rules (ascending indexes), merged: later values win, null removes. */
  function mergeHeaders(indexes: readonly number[]): Array<readonly [string, string | null]> {
    const merged = new Map<string, readonly [string, string | null]>()
    for (const index of indexes) {
      for (const pair of rules.headers[index]!.headers) {
        const key = pair[0].toLowerCase()
        merged.delete(key) // re-insert: the order is that of the last setting
        merged.set(key, pair)
      }
    }
    return [...merged.values()]
  }
  return Object.freeze({
    rules,
    route(segments: readonly string[], trailingSlash: boolean): RouteMatch | undefined {
      const m = routeTrie.first(segments, trailingSlash)
      if (m === undefined) return undefined
      const rule = rules.routes[m.index]!
      return { rule, params: m.params, target: fixedTargets[m.index] ?? fillDestination(rule.to, m.params) }
    },
    headers(segments: readonly string[], trailingSlash: boolean): Array<readonly [string, string | null]> {
      return mergeHeaders(headerTrie.match(segments, trailingSlash).map(m => m.index))
    },
    headersForFile(segments: readonly string[], trailingSlash: boolean, fileSegments: readonly string[]): Array<readonly [string, string | null]> {
      const indexes = new Set<number>()
      for (const m of headerTrie.match(segments, trailingSlash)) indexes.add(m.index)
      for (const m of headerTrie.match(fileSegments, false)) indexes.add(m.index)
      return mergeHeaders([...indexes].sort((a, b) => a - b))
    },
  })
}
