/**
 * Path patterns: the `from` of Netlify / Cloudflare Pages rules and the `source` of `serve.json` rules,
 * compiled into segments that match the canonical (decoded) request path.
 *
 * @remarks
 * Supported, in both syntaxes: exact segments (`/blog/post`), whole-segment placeholders (`/blog/:slug`),
 * and a splat as the last segment (`/assets/*`; `serve.json` also `/**`), which matches zero or more
 * further segments (`/assets`, `/assets/`, `/assets/a/b.js`). `serve.json` adds what its documented
 * examples use: a last segment `*.ext`, `*.@(a|b)` or `*.{a,b}` (a name with one of these extensions), and
 * `**` + `/` + such a segment (that name at any depth). Everything else (globs inside a segment,
 * `?`, `[...]`, negation, optional or typed placeholders, a placeholder inside a segment) is refused.
 *
 * Literal segments are percent-decoded by the core's canonicalizer, the same function that produces
 * `ctx.req.canonicalPath`, so a pattern that no canonical path can equal (`//`, `..`, `%2F`, `:`) is refused
 * at load as a rule that can never match.
 *
 * @module
 */
import { canonicalizePath } from 'tinyhttp-core'
import { RulesConfigError, type RuleSource } from './errors.js'

/**
 * One segment of a compiled pattern.
 *
 * @example
 * ```ts
 * const s: PatternSegment[] = [{ kind: 'literal', value: 'blog' }, { kind: 'param', name: 'slug' }]
 * ```
 */
export type PatternSegment =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'param'; readonly name: string }
  /** A last segment `*.ext`: a name with one of these extensions and at least one character before the dot. */
  | { readonly kind: 'extension'; readonly extensions: readonly string[] }

/**
 * A compiled path pattern.
 *
 * @remarks
 * How it matches a canonical path with segments `S` and trailing slash `T`:
 * - `anyDepth` (only with a single `extension` segment): `S` is non-empty and its last segment has one
 *   of the extensions (and with `slash: 'exact'`, `T` is false).
 * - otherwise the first `segments.length` segments of `S` must match one by one; then with `splat` any
 *   rest matches (its value is the rest joined with `/`, plus the trailing `/`); without, `S` must have no
 *   more segments, and with `slash: 'exact'` `T` must equal `trailingSlash` (`'either'`: any `T`).
 *
 * @example
 * ```ts
 * const p: PathPattern = compilePattern('/blog/:slug', 'netlify')
 * ```
 */
export interface PathPattern {
  /** The text as written. */
  readonly text: string
  readonly segments: readonly PatternSegment[]
  readonly splat: boolean
  readonly anyDepth: boolean
  /** The pattern was written with a trailing `/` (only read when `slash` is `'exact'` and there is no splat). */
  readonly trailingSlash: boolean
  /** Whether a trailing slash on the request must match the pattern's (`'exact'`) or not (`'either'`). */
  readonly slash: 'exact' | 'either'
}

/**
 * Which syntax a pattern is written in: Netlify / Cloudflare Pages (`_headers`, `_redirects`), `serve.json`,
 * or tinyhttp's own (Netlify's, with exact trailing slashes).
 *
 * @example `const s: PatternSyntax = 'serve'`
 */
export type PatternSyntax = 'netlify' | 'serve' | 'tinyhttp'

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const EXTENSION = /^[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*$/
const SERVE_GLOB_CHARS = /[*?[\]{}()!]/

/**
 * Compiles a pattern, or throws a {@link RulesConfigError} at `source` saying why it cannot be used.
 *
 * @param text - the pattern as written in the file
 * @param syntax - which format it comes from
 * @param source - where it was written (for the error)
 * @returns the compiled pattern
 * @throws RulesConfigError for unsupported syntax and for patterns no canonical path can match
 * @example
 * ```ts
 * compilePattern('/news/:year/*', 'netlify')
 * // { segments: [{ kind: 'literal', value: 'news' }, { kind: 'param', name: 'year' }], splat: true, … }
 * compilePattern('**' + '/*.@(jpg|png)', 'serve') // any name ending in .jpg or .png, at any depth
 * ```
 */
export function compilePattern(text: string, syntax: PatternSyntax, source: RuleSource = { file: '(pattern)' }): PathPattern {
  const result = tryCompilePattern(text, syntax)
  if (typeof result === 'string') throw new RulesConfigError(source, `pattern ${JSON.stringify(text)}: ${result}`)
  return result
}

/** Kinds of a part before canonical decoding. */
type Part = { kind: 'literal'; raw: string } | Exclude<PatternSegment, { kind: 'literal' }> | { kind: 'splat' } | { kind: 'anyDepth' }

/**
 * Like {@link compilePattern}, but returns the reason as a string instead of throwing.
 *
 * @param text - the pattern as written
 * @param syntax - which format it comes from
 * @returns the compiled pattern, or why it was refused
 * @example
 * ```ts
 * tryCompilePattern('/a/../b', 'netlify') // 'can never match: the canonical path refuses it (dot-segment)'
 * ```
 */
export function tryCompilePattern(text: string, syntax: PatternSyntax): PathPattern | string {
  if (typeof text !== 'string' || text.length === 0) return 'empty pattern'
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c <= 0x20 || c === 0x7f) return 'contains whitespace or a control character'
  }
  let body = text
  if (!body.startsWith('/')) {
    if (syntax !== 'serve') {
      if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(body)) return 'rules for other hosts or schemes (domain-level rules) are not supported'
      return 'must start with "/"'
    }
    if (body.startsWith('!')) return 'negated globs are not supported'
    body = '/' + body
  }
  const raw = body.slice(1).split('/')
  let trailingSlash = false
  if (raw.length > 0 && raw[raw.length - 1] === '' && raw.length > 1) {
    raw.pop()
    trailingSlash = true
  } else if (raw.length === 1 && raw[0] === '') {
    raw.pop()
    trailingSlash = true
  }
  const parts: Part[] = []
  for (let i = 0; i < raw.length; i++) {
    const part = parsePart(raw[i]!, syntax)
    if (typeof part === 'string') return part
    parts.push(part)
  }
  return assemble(text, parts, trailingSlash, syntax)
}

/** One `/`-separated part of the pattern, before the checks that depend on its position. */
function parsePart(part: string, syntax: PatternSyntax): Part | string {
  if (part === '*' || (syntax === 'serve' && part === '**')) return { kind: 'splat' }
  if (part.startsWith(':')) {
    const name = part.slice(1)
    if (!NAME.test(name)) return `placeholder ${JSON.stringify(part)}: only :name (letters, digits, _) is supported`
    if (name === 'splat') return 'placeholder :splat is reserved for the splat'
    return { kind: 'param', name }
  }
  if (part.includes(':') && /:[A-Za-z_]/.test(part)) return `a placeholder must be a whole segment (${JSON.stringify(part)})`
  if (syntax === 'serve' && part.startsWith('*.')) {
    const extensions = parseExtensions(part.slice(2))
    if (extensions === undefined) return `unsupported glob ${JSON.stringify(part)}`
    return { kind: 'extension', extensions }
  }
  if (part.includes('*')) return syntax === 'serve' ? `unsupported glob ${JSON.stringify(part)}` : 'a splat (*) is only allowed as the whole last segment'
  if (syntax === 'serve' && SERVE_GLOB_CHARS.test(part)) return `unsupported glob ${JSON.stringify(part)}`
  return { kind: 'literal', raw: part }
}

/** `js`, `@(jpg|png)` or `{jpg,png}` → the extensions; undefined for anything else. */
function parseExtensions(spec: string): string[] | undefined {
  let list: string[]
  if (spec.startsWith('@(') && spec.endsWith(')')) list = spec.slice(2, -1).split('|')
  else if (spec.startsWith('{') && spec.endsWith('}')) list = spec.slice(1, -1).split(',')
  else list = [spec]
  if (list.length === 0 || !list.every(e => EXTENSION.test(e))) return undefined
  return [...new Set(list)]
}

/** Position checks, canonical decoding of the literal segments, and the frozen result. */
function assemble(text: string, parts: Part[], trailingSlash: boolean, syntax: PatternSyntax): PathPattern | string {
  let splat = false
  let anyDepth = false
  const kept: Part[] = []
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    const last = i === parts.length - 1
    if (part.kind === 'splat') {
      const next = parts[i + 1]
      if (i === 0 && syntax === 'serve' && parts.length === 2 && next?.kind === 'extension' && !trailingSlash) {
        anyDepth = true
        continue
      }
      if (!last) return 'a splat is only allowed as the last segment' + (syntax === 'serve' ? ' (or as **/*.ext)' : '')
      if (trailingSlash) return 'a splat cannot be followed by "/"'
      splat = true
      continue
    }
    if (part.kind === 'extension' && !last) return 'an extension glob is only allowed as the last segment'
    kept.push(part)
  }
  const names = new Set<string>()
  for (const part of kept) {
    if (part.kind !== 'param') continue
    if (names.has(part.name)) return `placeholder :${part.name} appears twice`
    names.add(part.name)
  }
  // Decode the literal segments with the core's canonicalizer: the probe puts a plain name where a
  // placeholder is, so only the literal text can make it fail.
  const probe = '/' + kept.map(p => (p.kind === 'literal' ? p.raw : 'x')).join('/') + (trailingSlash && kept.length > 0 ? '/' : '')
  const canonical = canonicalizePath(probe)
  if (!canonical.ok) return `can never match: the canonical path refuses it (${canonical.reason})`
  const segments: PatternSegment[] = kept.map((p, i) => {
    if (p.kind === 'literal') return Object.freeze({ kind: 'literal', value: canonical.segments[i]! })
    return Object.freeze(p as PatternSegment)
  })
  return Object.freeze({
    text,
    segments: Object.freeze(segments),
    splat,
    anyDepth,
    trailingSlash: splat || anyDepth ? false : trailingSlash || segments.length === 0,
    slash: syntax === 'tinyhttp' ? 'exact' : 'either',
  })
}

/**
 * The names of the values a pattern captures, in order (`splat` last when it has one).
 *
 * @param pattern - a compiled pattern
 * @returns the placeholder names, plus `'splat'` for a splat
 * @example
 * ```ts
 * captureNames(compilePattern('/:year/:month/*', 'netlify')) // ['year', 'month', 'splat']
 * ```
 */
export function captureNames(pattern: PathPattern): string[] {
  const names: string[] = []
  for (const s of pattern.segments) if (s.kind === 'param') names.push(s.name)
  if (pattern.splat) names.push('splat')
  return names
}
