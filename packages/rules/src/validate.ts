/**
 * Load-time validation of a whole rule set: what the importers cannot check alone (allowed hosts, rules
 * built in code, redirect cycles across files).
 *
 * @module
 */
import { canonicalizePath } from 'tinyhttp-core'
import { destinationProblem, destinationRefs } from './destination.js'
import { RulesConfigError, type RuleSource } from './errors.js'
import { headerProblem } from './header-policy.js'
import type { RedirectRule, RouteRule, SiteRules } from './model.js'
import { captureNames, type PathPattern } from './pattern.js'

/**
 * Options of {@link validateRules}.
 *
 * @example `const o: ValidateOptions = { allowedHosts: ['docs.example'] }`
 */
export interface ValidateOptions {
  /** Host names an absolute redirect destination may name (default: none; only paths on this site). */
  readonly allowedHosts?: readonly string[]
}

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308])

/**
 * Checks a rule set and throws a {@link RulesConfigError} naming the rule's file and line (or key) for
 * the first fault.
 *
 * @remarks
 * Checks: every header name and value ({@link headerProblem}); every destination
 * ({@link destinationProblem}: a path on this site, or an http(s) URL on an allowed host; never `//host`,
 * a backslash or a control character); every reference in a destination is captured by its pattern; a
 * rewrite lands on a path of this site; redirect statuses; route rules that can never match because an
 * earlier rule has the same pattern (and is forced, or neither is); and redirect cycles among fixed rules (no
 * placeholder, no splat, a path destination without references), following what each fixed path would
 * redirect to — including `/a` ↔ `/a/` with patterns that ignore the trailing slash.
 *
 * @param rules - the merged rule set
 * @param options - allowed hosts
 * @throws RulesConfigError for the first fault
 * @example
 * ```ts
 * validateRules(parseRedirects('/a /b\n/b /a\n', '_redirects')) // throws: "_redirects:1: redirect cycle: /a → /b → /a"
 * ```
 */
export function validateRules(rules: SiteRules, options: ValidateOptions = {}): void {
  const hosts = options.allowedHosts ?? []
  for (const rule of rules.headers) {
    for (const [name, value] of rule.headers) {
      const problem = headerProblem(name, value)
      if (problem !== undefined) throw new RulesConfigError(rule.source, problem)
    }
  }
  for (const rule of rules.routes) {
    const problem = destinationProblem(rule.to.text, hosts)
    if (problem !== undefined) throw new RulesConfigError(rule.source, `destination ${JSON.stringify(rule.to.text)}: ${problem}`)
    const names = new Set(captureNames(rule.pattern))
    for (const ref of destinationRefs(rule.to)) {
      if (!names.has(ref)) throw new RulesConfigError(rule.source, `the destination uses :${ref}, which the pattern does not capture`)
    }
    if (rule.kind === 'rewrite' && rule.to.kind !== 'path') throw new RulesConfigError(rule.source, 'a rewrite must land on a path of this site')
    if (rule.kind === 'redirect' && !REDIRECT_STATUSES.has(rule.status)) throw new RulesConfigError(rule.source, `status ${String(rule.status)} is not a redirect status`)
  }
  checkShadowed(rules.routes)
  checkCycles(rules.routes.filter((r): r is RedirectRule => r.kind === 'redirect'))
}

/** What a pattern matches, as a string: equal keys match exactly the same paths. */
function patternKey(p: PathPattern): string {
  const segments = p.segments.map(s => (s.kind === 'literal' ? 'l' + s.value : s.kind === 'param' ? 'p' : 'e' + [...s.extensions].sort().join('|')))
  const slash = p.splat || p.anyDepth || p.slash === 'either' ? '' : p.trailingSlash ? '/' : 'no/'
  return JSON.stringify([segments, p.splat, p.anyDepth, slash])
}

/**
 * Refuses a route rule that an earlier one with the same pattern always pre-empts: the earlier one is
 * forced, or neither is (a forced later rule still applies where a file shadows the earlier one).
 */
function checkShadowed(routes: readonly RouteRule[]): void {
  const earlier = new Map<string, RouteRule>()
  for (const rule of routes) {
    const key = patternKey(rule.pattern)
    const first = earlier.get(key)
    if (first === undefined) {
      earlier.set(key, rule)
      continue
    }
    if (first.force || !rule.force) {
      throw new RulesConfigError(rule.source, `can never match: ${describe(first.source)} has the same pattern and comes first`)
    }
    if (rule.force) earlier.set(key, rule)
  }
}

/** `file:line` or `file: key`. */
function describe(source: RuleSource): string {
  return source.line !== undefined ? `${source.file}:${source.line}` : source.key !== undefined ? `${source.file}: ${source.key}` : source.file
}

/** The canonical paths a fixed pattern matches, or undefined when it has placeholders or globs. */
function fixedPaths(pattern: PathPattern): string[] | undefined {
  if (pattern.splat || pattern.anyDepth || pattern.segments.some(s => s.kind !== 'literal')) return undefined
  const base = '/' + pattern.segments.map(s => (s.kind === 'literal' ? s.value : '')).join('/')
  if (pattern.segments.length === 0) return ['/']
  if (pattern.slash === 'either') return [base, base + '/']
  return [pattern.trailingSlash ? base + '/' : base]
}

/** The canonical path a fixed destination names, or undefined (a URL, or references). */
function fixedTarget(rule: RedirectRule): string | undefined {
  if (rule.to.kind !== 'path' || destinationRefs(rule.to).length > 0) return undefined
  const q = rule.to.text.search(/[?#]/)
  const path = canonicalizePath(q < 0 ? rule.to.text : rule.to.text.slice(0, q))
  return path.ok ? path.path : undefined
}

/**
 * Refuses fixed redirects that can come back to where they started. From a path, the rules that may
 * apply are the first one and, while that one is not forced, the forced ones after it (they apply where a
 * file shadows it); a cycle through any of them is refused.
 */
function checkCycles(redirects: readonly RedirectRule[]): void {
  const edges = new Map<string, Array<{ to: string; source: RuleSource; force: boolean }>>()
  for (const rule of redirects) {
    const paths = fixedPaths(rule.pattern)
    const to = fixedTarget(rule)
    if (paths === undefined || to === undefined) continue
    for (const p of paths) {
      const list = edges.get(p)
      if (list === undefined) edges.set(p, [{ to, source: rule.source, force: rule.force }])
      else if (!list.some(e => e.force) && rule.force) list.push({ to, source: rule.source, force: true })
    }
  }
  // Iterative depth-first search (a chain of 50 000 redirects must not overflow the stack).
  const state = new Map<string, 'open' | 'done'>()
  for (const start of edges.keys()) {
    if (state.has(start)) continue
    const chain: string[] = [start]
    const cursor: number[] = [0]
    state.set(start, 'open')
    while (chain.length > 0) {
      const at = chain[chain.length - 1]!
      const list = edges.get(at) ?? []
      const i = cursor[cursor.length - 1]!
      if (i >= list.length) {
        chain.pop()
        cursor.pop()
        state.set(at, 'done')
        continue
      }
      cursor[cursor.length - 1] = i + 1
      const edge = list[i]!
      const mark = state.get(edge.to)
      if (mark === 'open') {
        const loop = chain.slice(chain.indexOf(edge.to))
        const first = edges.get(loop[0]!)!.find(e => e.to === (loop[1] ?? loop[0]))
        throw new RulesConfigError(first?.source ?? edge.source, `redirect cycle: ${[...loop, edge.to].join(' → ')}`)
      }
      if (mark === undefined) {
        state.set(edge.to, 'open')
        chain.push(edge.to)
        cursor.push(0)
      }
    }
  }
}
