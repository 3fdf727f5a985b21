/**
 * The rule model: what every importer produces and what the matcher and the middleware consume.
 *
 * @module
 */
import type { RuleSource } from './errors.js'
import type { Destination } from './destination.js'
import type { PathPattern } from './pattern.js'

/**
 * One header rule: for every path the pattern matches, set these headers (in order); a `null` value
 * removes the header.
 *
 * @example
 * ```ts
 * const rule: HeaderRule = {
 *   pattern: compilePattern('/assets/*', 'netlify'),
 *   headers: [['Cache-Control', 'public, max-age=31536000, immutable'], ['X-Powered-By', null]],
 *   source: { file: '_headers', line: 4 },
 * }
 * ```
 */
export interface HeaderRule {
  readonly pattern: PathPattern
  /** `[name, value]` pairs in the order written; `null` removes the header. */
  readonly headers: ReadonlyArray<readonly [name: string, value: string | null]>
  readonly source: RuleSource
}

/** The redirect statuses a rule may use. @example `const s: RedirectStatus = 308` */
export type RedirectStatus = 301 | 302 | 303 | 307 | 308

/**
 * A redirect: a request whose canonical path the pattern matches is answered with `status` and a
 * `Location` built from `to`.
 *
 * @example
 * ```ts
 * const rule: RedirectRule = {
 *   kind: 'redirect',
 *   pattern: compilePattern('/news/:year/*', 'netlify'),
 *   to: parseDestination('/blog/:year/:splat'),
 *   status: 301,
 *   force: false,
 *   source: { file: '_redirects', line: 2 },
 * }
 * ```
 */
export interface RedirectRule {
  readonly kind: 'redirect'
  readonly pattern: PathPattern
  readonly to: Destination
  readonly status: RedirectStatus
  /** Netlify's `!`: applies even when a file exists at the path (otherwise the file shadows the rule). */
  readonly force: boolean
  readonly source: RuleSource
}

/**
 * A rewrite (Netlify status `200`): the request is served as if it had asked for `to`, a path on this
 * site; the address bar does not change.
 *
 * @example
 * ```ts
 * const spa: RewriteRule = {
 *   kind: 'rewrite',
 *   pattern: compilePattern('/*', 'netlify'),
 *   to: parseDestination('/index.html'),
 *   force: false,
 *   source: { file: '_redirects', line: 9 },
 * }
 * ```
 */
export interface RewriteRule {
  readonly kind: 'rewrite'
  readonly pattern: PathPattern
  readonly to: Destination
  readonly force: boolean
  readonly source: RuleSource
}

/** A redirect or a rewrite: one line of `_redirects`. @example `const r: RouteRule = spa` */
export type RouteRule = RedirectRule | RewriteRule

/**
 * What `trailingSlash` does: `'add'` redirects `/dir` to `/dir/`, `'remove'` redirects `/dir/` to `/dir`,
 * `'ignore'` serves both as they are.
 *
 * @example `const t: TrailingSlash = 'remove'`
 */
export type TrailingSlash = 'add' | 'remove' | 'ignore'

/**
 * A whole rule set, as one file (or several merged) describes it. Order is precedence: route rules are
 * tried in order and the first that matches wins; every matching header rule applies, in order, a later
 * value for the same name replacing an earlier one.
 *
 * @example
 * ```ts
 * const rules: SiteRules = { headers: [], routes: [], cleanUrls: true, trailingSlash: 'remove' }
 * ```
 */
export interface SiteRules {
  readonly headers: readonly HeaderRule[]
  readonly routes: readonly RouteRule[]
  /** `/about` serves `about.html`, and `/about.html` redirects to `/about`. Undefined: not set here. */
  readonly cleanUrls?: boolean
  /** Undefined: not set here. */
  readonly trailingSlash?: TrailingSlash
}

/**
 * Merges rule sets in order (for example `_headers`, then `_redirects`, then `serve.json`): rules are
 * concatenated; `cleanUrls` and `trailingSlash` come from the last set that sets them.
 *
 * @param sets - rule sets, earliest first (earlier routes take precedence)
 * @returns one rule set
 * @example
 * ```ts
 * const all = mergeRules([parseHeaders(h, '_headers'), parseRedirects(r, '_redirects')])
 * ```
 */
export function mergeRules(sets: readonly SiteRules[]): SiteRules {
  const headers: HeaderRule[] = []
  const routes: RouteRule[] = []
  let cleanUrls: boolean | undefined
  let trailingSlash: TrailingSlash | undefined
  for (const set of sets) {
    headers.push(...set.headers)
    routes.push(...set.routes)
    if (set.cleanUrls !== undefined) cleanUrls = set.cleanUrls
    if (set.trailingSlash !== undefined) trailingSlash = set.trailingSlash
  }
  const merged: { -readonly [K in keyof SiteRules]: SiteRules[K] } = { headers, routes }
  if (cleanUrls !== undefined) merged.cleanUrls = cleanUrls
  if (trailingSlash !== undefined) merged.trailingSlash = trailingSlash
  return merged
}
