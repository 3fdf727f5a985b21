/**
 * The `serve.json` importer (the configuration file of `serve` / `serve-handler`).
 *
 * @module
 */
import { destinationRefs, parseDestination } from './destination.js'
import { RulesConfigError, type RuleSource } from './errors.js'
import { headerProblem } from './header-policy.js'
import type { HeaderRule, RedirectStatus, RouteRule, SiteRules, TrailingSlash } from './model.js'
import { captureNames, tryCompilePattern, type PathPattern } from './pattern.js'

/** Keys serve documents that this package does not implement (an error, not silence). */
const UNSUPPORTED_KEYS: Readonly<Record<string, string>> = {
  public: 'the served folder is the CLI\'s root argument',
  directoryListing: 'directory listings are configured elsewhere',
  unlisted: 'directory listings are configured elsewhere',
  renderSingle: 'not supported',
  symlinks: 'symbolic links are the allowlist\'s decision',
  etag: 'ETags are always strong and always on',
}
const REDIRECT_TYPES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308])

/**
 * Parses a `serve.json` file: `headers`, `redirects`, `rewrites`, `cleanUrls`, `trailingSlash`
 * (and an optional `$schema`).
 *
 * @remarks
 * - `redirects`: `[{ source, destination, type? }]`, `type` 301 (default), 302, 303, 307 or 308. They come
 *   first in the routes and are forced (serve applies them before looking at files).
 * - `rewrites`: `[{ source, destination }]`, a path on this site (a URL would be proxying: refused).
 * - `headers`: `[{ source, headers: [{ key, value }] }]`.
 * - `cleanUrls`: a boolean (serve's list of globs is refused); `trailingSlash`: `true` → `'add'`,
 *   `false` → `'remove'`.
 *
 * Sources use the supported subset of serve's patterns (see `compilePattern`): exact segments,
 * `:param` segments, a final `*` or `**`, a final `*.ext` / `*.@(a|b)` / `*.{a,b}`, and `**` + `/*.ext`.
 * Unknown keys, wrong types, serve keys this package does not implement and unsupported patterns are a
 * {@link RulesConfigError} naming the key (`redirects[1].type`).
 *
 * @param text - the file's content
 * @param file - the file's name, for errors
 * @returns the rules: header rules, then routes (redirects, then rewrites)
 * @throws RulesConfigError for any fault, and nothing else
 * @example
 * ```ts
 * const rules = parseServeJson('{"cleanUrls": true, "rewrites": [{"source": "/app/**", "destination": "/index.html"}]}', 'serve.json')
 * rules.cleanUrls // true
 * ```
 */
export function parseServeJson(text: string, file: string): SiteRules {
  let data: unknown
  try {
    data = JSON.parse(String(text))
  } catch (err) {
    throw new RulesConfigError(jsonErrorSource(String(text), err, file), `invalid JSON: ${(err as Error).message}`)
  }
  return serveJsonRules(data, file)
}

/**
 * The rules of an already parsed `serve.json`-shaped object: what {@link parseServeJson} does after
 * `JSON.parse`, for callers that read the object themselves (the CLI's `tinyhttp.json` carries the same
 * keys next to its options and hands them over here).
 *
 * @remarks
 * Same keys, checks and errors as {@link parseServeJson}: `headers`, `redirects`, `rewrites`, `cleanUrls`,
 * `trailingSlash` and `$schema`; anything else is a {@link RulesConfigError} naming the key.
 *
 * @param data - the parsed value (anything: a non-object is an error)
 * @param file - the file's name, for errors
 * @returns the rules: header rules, then routes (redirects, then rewrites)
 * @throws RulesConfigError for any fault, and nothing else
 * @example
 * ```ts
 * const rules = serveJsonRules({ redirects: [{ source: '/old', destination: '/new', type: 308 }] }, 'tinyhttp.json')
 * rules.routes[0]?.kind // 'redirect'
 * ```
 */
export function serveJsonRules(data: unknown, file: string): SiteRules {
  const at = (key: string): RuleSource => Object.freeze({ file, key })
  const fail = (key: string, reason: string): never => {
    throw new RulesConfigError(at(key), reason)
  }
  if (!isObject(data)) fail('(top level)', 'must be a JSON object')
  const top = data as Record<string, unknown>
  const headers: HeaderRule[] = []
  const redirects: RouteRule[] = []
  const rewrites: RouteRule[] = []
  let cleanUrls: boolean | undefined
  let trailingSlash: TrailingSlash | undefined
  for (const key of Object.keys(top)) {
    const value = top[key]
    if (key === '$schema') {
      if (typeof value !== 'string') fail(key, 'must be a string')
    } else if (key === 'cleanUrls') {
      if (Array.isArray(value)) fail(key, 'a list of globs is not supported: use true or false')
      if (typeof value !== 'boolean') fail(key, 'must be true or false')
      cleanUrls = value as boolean
    } else if (key === 'trailingSlash') {
      if (typeof value !== 'boolean') fail(key, 'must be true or false')
      trailingSlash = value ? 'add' : 'remove'
    } else if (key === 'headers') {
      for (const [i, item] of arrayOf(value, key, fail).entries()) headers.push(headerRule(item, `${key}[${i}]`, at, fail))
    } else if (key === 'redirects') {
      for (const [i, item] of arrayOf(value, key, fail).entries()) redirects.push(routeRule(item, `${key}[${i}]`, 'redirect', at, fail))
    } else if (key === 'rewrites') {
      for (const [i, item] of arrayOf(value, key, fail).entries()) rewrites.push(routeRule(item, `${key}[${i}]`, 'rewrite', at, fail))
    } else if (Object.hasOwn(UNSUPPORTED_KEYS, key)) {
      fail(key, `not supported by tinyhttp-rules (${UNSUPPORTED_KEYS[key]})`)
    } else {
      fail(key, 'unknown key')
    }
  }
  const rules: { -readonly [K in keyof SiteRules]: SiteRules[K] } = {
    headers: Object.freeze(headers),
    routes: Object.freeze([...redirects, ...rewrites]),
  }
  if (cleanUrls !== undefined) rules.cleanUrls = cleanUrls
  if (trailingSlash !== undefined) rules.trailingSlash = trailingSlash
  return Object.freeze(rules)
}

type Fail = (key: string, reason: string) => never

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function arrayOf(value: unknown, key: string, fail: Fail): unknown[] {
  if (!Array.isArray(value)) fail(key, 'must be an array')
  return value as unknown[]
}

/** Checks an object's keys against the allowed ones and returns it. */
function objectWith(value: unknown, key: string, allowed: readonly string[], fail: Fail): Record<string, unknown> {
  if (!isObject(value)) fail(key, 'must be an object')
  const obj = value as Record<string, unknown>
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) fail(`${key}.${k}`, 'unknown key')
  return obj
}

function stringAt(obj: Record<string, unknown>, key: string, name: string, fail: Fail): string {
  const value = obj[name]
  if (typeof value !== 'string') fail(`${key}.${name}`, value === undefined ? 'missing' : 'must be a string')
  return value as string
}

function patternAt(obj: Record<string, unknown>, key: string, fail: Fail): PathPattern {
  const text = stringAt(obj, key, 'source', fail)
  const pattern = tryCompilePattern(text, 'serve')
  if (typeof pattern === 'string') fail(`${key}.source`, `${JSON.stringify(text)}: ${pattern}`)
  return pattern as PathPattern
}

function headerRule(item: unknown, key: string, at: (key: string) => RuleSource, fail: Fail): HeaderRule {
  const obj = objectWith(item, key, ['source', 'headers'], fail)
  const pattern = patternAt(obj, key, fail)
  const list = arrayOf(obj.headers, `${key}.headers`, fail)
  if (list.length === 0) fail(`${key}.headers`, 'is empty')
  const pairs: Array<readonly [string, string]> = list.map((h, j) => {
    const hk = `${key}.headers[${j}]`
    const entry = objectWith(h, hk, ['key', 'value'], fail)
    const name = stringAt(entry, hk, 'key', fail)
    const value = stringAt(entry, hk, 'value', fail)
    const problem = headerProblem(name, value)
    if (problem !== undefined) fail(hk, problem)
    return Object.freeze([name, value] as const)
  })
  return Object.freeze({ pattern, headers: Object.freeze(pairs), source: at(key) })
}

function routeRule(item: unknown, key: string, kind: 'redirect' | 'rewrite', at: (key: string) => RuleSource, fail: Fail): RouteRule {
  const obj = objectWith(item, key, kind === 'redirect' ? ['source', 'destination', 'type'] : ['source', 'destination'], fail)
  const pattern = patternAt(obj, key, fail)
  const to = parseDestination(stringAt(obj, key, 'destination', fail))
  const names = new Set(captureNames(pattern))
  for (const ref of destinationRefs(to)) {
    if (!names.has(ref)) fail(`${key}.destination`, `uses :${ref}, which the source does not capture`)
  }
  if (kind === 'rewrite') {
    if (to.kind === 'url') fail(`${key}.destination`, 'proxying (a rewrite to an absolute URL) is not supported')
    return Object.freeze({ kind, pattern, to, force: false, source: at(key) })
  }
  let status = 301
  if (obj.type !== undefined) {
    if (typeof obj.type !== 'number' || !REDIRECT_TYPES.has(obj.type)) fail(`${key}.type`, 'must be 301, 302, 303, 307 or 308')
    status = obj.type as number
  }
  return Object.freeze({ kind, pattern, to, status: status as RedirectStatus, force: true, source: at(key) })
}

/** The line of a JSON syntax error, when the engine's message gives a position. */
function jsonErrorSource(text: string, err: unknown, file: string): RuleSource {
  const m = /position (\d+)/.exec(String((err as Error)?.message))
  if (m === null) return { file }
  const position = Math.min(Number(m[1]), text.length)
  let line = 1
  for (let i = 0; i < position; i++) if (text.charCodeAt(i) === 0x0a) line++
  return { file, line }
}
