/**
 * `--check`: which rule touched which URL. The answers themselves come from real requests through the
 * chain (check.ts); this module only says, for each rule of the site rules and each preset, which of
 * those answers it shaped, and why a rule that matched a URL left it as it was.
 *
 * @module
 */
import { canonicalizePath, encodePath } from 'tinyhttp-core'
import { ISOLATE_HEADERS, PatternTrie, cacheSpaHeaders, fillDestination, securityHeaders, type PathPattern, type SiteRules } from 'tinyhttp-rules'

/**
 * One URL as probed, as far as the attribution needs it.
 *
 * @example
 * ```ts
 * const a: ProbedAnswer = { url: '/docs', status: 302, reason: 'rules:redirect', location: '/guide/', headers: [['Location', '/guide/']], finalPath: '/docs' }
 * ```
 */
export interface ProbedAnswer {
  /** The URL as sent (percent-encoded). */
  readonly url: string
  readonly status: number
  readonly reason: string | null
  readonly location: string | null
  /** Every field as the client got it. */
  readonly headers: ReadonlyArray<readonly [string, string]>
  /** The canonical path after every rewrite (the request's own when none). */
  readonly finalPath: string | null
}

/**
 * The presets on, as `--check` reports them.
 *
 * @example `const p: CheckPresets = { cache: 'spa', isolate: true }`
 */
export interface CheckPresets {
  readonly cache?: 'spa'
  readonly isolate?: boolean
  readonly securityHeaders?: { readonly tls: boolean }
}

/**
 * What one rule (or preset) did to the URLs probed.
 *
 * @example
 * ```ts
 * const e: RuleEffect = { rule: 'dist/_redirects:2', kind: 'redirect', pattern: '/docs', action: '302 /guide/', urls: ['/docs'], untouched: [] }
 * ```
 */
export interface RuleEffect {
  /** `file:line` (`file: key` for serve.json), or the flag of a preset (`--cache spa`). */
  readonly rule: string
  readonly kind: 'header' | 'redirect' | 'rewrite' | 'preset' | 'clean'
  /** The path pattern as written; null for presets and cleanUrls/trailingSlash. */
  readonly pattern: string | null
  /** What it does: the headers it sets (`-Name` removes), `301 /blog/:splat`, `200 /index.html`. */
  readonly action: string
  /** The URLs it shaped. */
  readonly urls: string[]
  /**
   * URLs it matched without shaping them, each with why: `file served` (a rule without `!` where a
   * file is), `earlier rule` (a route rule before it matched first), `replaced` (a later header rule or a
   * preset set another value).
   */
  readonly untouched: Array<{ url: string; why: string }>
}

/** Where a rule came from, as `file:line` / `file: key`. */
function sourceText(source: { file: string; line?: number; key?: string }): string {
  if (source.line !== undefined) return `${source.file}:${source.line}`
  return source.key !== undefined ? `${source.file}: ${source.key}` : source.file
}

/**
 * A path a pattern matches, to probe a route rule that no served file reaches (`/old-blog/*` →
 * `/old-blog/example`): literal segments as written, a placeholder as its own name, a splat as
 * `example`, `*.ext` as `name.ext`.
 *
 * @param pattern - a compiled pattern
 * @returns a percent-encoded path the pattern matches
 * @example
 * ```ts
 * exampleUrl(compilePattern('/news/:year/*', 'netlify')) // '/news/year/example'
 * ```
 */
export function exampleUrl(pattern: PathPattern): string {
  const parts: string[] = pattern.anyDepth ? ['dir'] : []
  for (const s of pattern.segments) {
    if (s.kind === 'literal') parts.push(s.value)
    else if (s.kind === 'param') parts.push(s.name)
    else parts.push(`name.${s.extensions[0] ?? 'html'}`)
  }
  if (pattern.splat) parts.push('example')
  const slash = !pattern.splat && !pattern.anyDepth && pattern.trailingSlash && parts.length > 0
  return encodePath('/' + parts.join('/') + (slash ? '/' : ''))
}

/** Whether static answered with (a part or the validation of) a file. */
function fileAnswer(reason: string | null): boolean {
  return reason !== null && /^static:(hit|head|disk|partial|multipart|not-modified|compressed)$/.test(reason)
}

/** The paths header rules are matched against for an answer (see the rules middleware). */
function headerPaths(a: ProbedAnswer, index: string, spaPath: string | undefined): string[] {
  if (a.reason === 'fallback:spa' && spaPath !== undefined) return [spaPath]
  if (a.finalPath === null) return []
  if (a.finalPath.endsWith('/') && fileAnswer(a.reason)) return [a.finalPath, a.finalPath + index]
  return [a.finalPath]
}

function valueOf(a: ProbedAnswer, name: string): string | undefined {
  const lower = name.toLowerCase()
  const values = a.headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v)
  return values.length === 0 ? undefined : values.join(', ')
}

/**
 * For every header rule, route rule, `cleanUrls`/`trailingSlash` and preset: the URLs it shaped and
 * those it matched without effect. A header rule shaped a URL when one of its fields is on the answer
 * with its value (or absent, for a removal); a route rule when the answer is its redirect (status and
 * `Location`) or its rewrite (the final path is its target).
 *
 * @param rules - the site rules in force (undefined: none)
 * @param presets - the presets on
 * @param answers - every URL probed
 * @param options - the index file name, and the `--spa` file's canonical path
 * @returns one effect per rule, header rules first (file order), then route rules, then presets
 * @example
 * ```ts
 * const effects = ruleEffects(built.siteRules, { cache: 'spa' }, answers, { index: 'index.html' })
 * effects.filter(e => e.urls.length === 0) // the rules that touch no URL
 * ```
 */
export function ruleEffects(rules: SiteRules | undefined, presets: CheckPresets, answers: readonly ProbedAnswer[], options: { index: string; spaPath?: string }): RuleEffect[] {
  const effects: RuleEffect[] = []
  const parsed = answers.map(a => ({ a, path: canonicalizePath(a.url) }))
  if (rules !== undefined) {
    const headerTrie = new PatternTrie(rules.headers.map(r => r.pattern))
    const headerEffects = rules.headers.map(r => ({
      rule: sourceText(r.source),
      kind: 'header' as const,
      pattern: r.pattern.text,
      action: r.headers.map(([n, v]) => (v === null ? `-${n}` : n)).join(', '),
      urls: [] as string[],
      untouched: [] as Array<{ url: string; why: string }>,
    }))
    for (const { a } of parsed) {
      const indexes = new Set<number>()
      for (const p of headerPaths(a, options.index, options.spaPath)) {
        const c = canonicalizePath(encodePath(p))
        if (c.ok) for (const m of headerTrie.match(c.segments, c.trailingSlash)) indexes.add(m.index)
      }
      for (const i of [...indexes].sort((x, y) => x - y)) {
        const shaped = rules.headers[i]!.headers.some(([n, v]) => (v === null ? valueOf(a, n) === undefined : valueOf(a, n) === v))
        if (shaped) headerEffects[i]!.urls.push(a.url)
        else headerEffects[i]!.untouched.push({ url: a.url, why: 'replaced' })
      }
    }
    effects.push(...headerEffects)

    const routeTrie = new PatternTrie(rules.routes.map(r => r.pattern))
    const routeEffects = rules.routes.map(r => ({
      rule: sourceText(r.source),
      kind: r.kind,
      pattern: r.pattern.text,
      action: `${r.kind === 'rewrite' ? 200 : r.status}${r.force ? '!' : ''} ${r.to.text}`,
      urls: [] as string[],
      untouched: [] as Array<{ url: string; why: string }>,
    }))
    const clean: RuleEffect = { rule: cleanLabel(rules), kind: 'clean', pattern: null, action: 'redirect or rewrite to the clean URL', urls: [], untouched: [] }
    for (const { a, path } of parsed) {
      if (!path.ok) continue
      const all = routeTrie.match(path.segments, path.trailingSlash)
      const hit = all[0]
      let shapedBy: number | undefined
      if (hit !== undefined) {
        const rule = rules.routes[hit.index]!
        const target = fillDestination(rule.to, hit.params)
        if (rule.kind === 'redirect' ? a.reason === 'rules:redirect' && a.status === rule.status && a.location?.split(/[?#]/)[0] === target.split(/[?#]/)[0] : a.finalPath !== path.path && a.finalPath === canonicalPath(target)) {
          shapedBy = hit.index
          routeEffects[hit.index]!.urls.push(a.url)
        } else {
          routeEffects[hit.index]!.untouched.push({ url: a.url, why: rule.force ? 'another rule' : 'file served' })
        }
      }
      for (const later of all.slice(1)) routeEffects[later.index]!.untouched.push({ url: a.url, why: 'earlier rule' })
      // With cleanUrls / trailingSlash on, a redirect or rewrite by the rules that no route rule explains is theirs.
      const cleanOn = clean.rule !== ''
      const rewritten = a.finalPath !== null && a.finalPath !== path.path && !(a.reason ?? '').startsWith('fallback:')
      if (cleanOn && shapedBy === undefined && (a.reason === 'rules:redirect' || rewritten)) clean.urls.push(a.url)
    }
    effects.push(...routeEffects)
    if (clean.rule !== '') effects.push(clean)
  }
  if (presets.cache === 'spa') {
    const urls = answers.filter(a => (a.reason === 'fallback:spa' ? true : a.status < 400 && a.finalPath !== null && cacheSpaHeaders(a.finalPath).length > 0)).map(a => a.url)
    effects.push({ rule: '--cache spa', kind: 'preset', pattern: null, action: 'Cache-Control (no-cache: HTML, sw.js, *.webmanifest; immutable: hashed names)', urls, untouched: [] })
  }
  const always = (flag: string, fields: ReadonlyArray<readonly [string, string]>): void => {
    effects.push({ rule: flag, kind: 'preset', pattern: null, action: fields.map(([n]) => n).join(', '), urls: answers.map(a => a.url), untouched: [] })
  }
  if (presets.isolate === true) always('--isolate', ISOLATE_HEADERS)
  if (presets.securityHeaders !== undefined) always('--security-headers', securityHeaders(presets.securityHeaders.tls))
  return effects
}

/** `cleanUrls: true, trailingSlash: "add"`, or '' when neither acts. */
function cleanLabel(rules: SiteRules): string {
  const parts: string[] = []
  if (rules.cleanUrls === true) parts.push('cleanUrls: true')
  if (rules.trailingSlash === 'add' || rules.trailingSlash === 'remove') parts.push(`trailingSlash: ${JSON.stringify(rules.trailingSlash)}`)
  return parts.join(', ')
}

/** The canonical path of a rewrite target, or undefined. */
function canonicalPath(target: string): string | undefined {
  const c = canonicalizePath(target)
  return c.ok ? c.path : undefined
}
