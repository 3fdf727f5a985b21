/**
 * Redirect and rewrite destinations: parsed once, checked against the hostile spellings that turned
 * other servers' redirects into open redirects, and filled in per request from canonical values only.
 *
 * @module
 */
import { canonicalizePath, encodePath } from 'tinyhttp-core'

/**
 * A parsed destination: fixed text and `:name` references, in order.
 *
 * @example
 * ```ts
 * const d: Destination = parseDestination('/blog/:year/:splat')
 * // { text: '/blog/:year/:splat', kind: 'path', parts: ['/blog/', { ref: 'year' }, '/', { ref: 'splat' }] }
 * ```
 */
export interface Destination {
  /** As written. */
  readonly text: string
  /** `'path'`: a path on this site; `'url'`: an absolute http(s) URL. */
  readonly kind: 'path' | 'url'
  readonly parts: ReadonlyArray<string | { readonly ref: string }>
  /** For a URL: its host name, lower case. */
  readonly host?: string
}

const REF = /:([A-Za-z_][A-Za-z0-9_]*)/g
const ABSOLUTE = /^(https?):\/\/([^/?#]*)(.*)$/i

/**
 * Why a destination is refused, or undefined when it is acceptable.
 *
 * @remarks
 * Accepted: a path on this site (one leading `/`, its path part a canonical path once each placeholder is
 * read as a plain name), or an absolute `http://` / `https://` URL whose host is in `allowedHosts` (no user
 * info, no placeholder before the path). Refused: scheme-relative `//host`, any backslash (raw), any
 * control character, space or non-ASCII character (percent-encode it), other schemes (`javascript:`,
 * `data:`), and malformed URLs such as `https:/host` or `https:host`.
 *
 * @param text - the destination as written
 * @param allowedHosts - host names an absolute destination may name (compared in lower case)
 * @returns the reason, or undefined
 * @example
 * ```ts
 * destinationProblem('//evil.example/', [])             // 'scheme-relative URL (//host) ...'
 * destinationProblem('https://docs.example/x', ['docs.example']) // undefined
 * ```
 */
export function destinationProblem(text: string, allowedHosts: readonly string[]): string | undefined {
  if (typeof text !== 'string' || text.length === 0) return 'empty destination'
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x20 || c === 0x7f) return 'control character in the destination'
    if (c === 0x20 || c > 0x7e) return 'space or non-ASCII character in the destination (percent-encode it)'
    if (c === 0x5c) return 'backslash in the destination'
  }
  if (text.startsWith('//')) return 'scheme-relative URL (//host) is never a valid destination'
  if (text.startsWith('/')) {
    const path = pathPart(text)
    const probe = path.replace(REF, 'x')
    const canonical = canonicalizePath(probe)
    if (!canonical.ok) return `the destination path is not canonical (${canonical.reason})`
    return undefined
  }
  const m = ABSOLUTE.exec(text)
  if (m === null) return 'not a path on this site (starting with "/") nor an absolute http(s) URL'
  const authority = m[2]!
  const rest = m[3]!
  if (authority.length === 0) return 'absolute URL without a host'
  if (authority.includes('@')) return 'user information in a destination URL is refused'
  if (/:[A-Za-z_]/.test(authority)) return 'a placeholder in the host of a destination is refused'
  if (rest !== '' && !/^[/?#]/.test(rest)) return 'malformed absolute URL'
  let host: string
  try {
    host = new URL(text.replace(REF, 'x')).hostname.toLowerCase()
  } catch {
    return 'malformed absolute URL'
  }
  const allowed = allowedHosts.some(h => h.toLowerCase() === host)
  if (!allowed) return `host ${host} is not in the allowed hosts`
  return undefined
}

/** The text before `?` or `#`. */
function pathPart(text: string): string {
  const q = text.search(/[?#]/)
  return q < 0 ? text : text.slice(0, q)
}

/**
 * Parses a destination into fixed text and `:name` references (no validation: see
 * {@link destinationProblem}).
 *
 * @param text - the destination as written
 * @returns the parsed destination
 * @example
 * ```ts
 * parseDestination('https://docs.example/:page').host // 'docs.example'
 * ```
 */
export function parseDestination(text: string): Destination {
  const parts: Array<string | { ref: string }> = []
  let last = 0
  const absolute = ABSOLUTE.exec(text)
  // In a URL, a ':' in the scheme or port is not a reference: start after the authority.
  const start = absolute === null ? 0 : text.length - absolute[3]!.length
  for (const m of text.slice(start).matchAll(REF)) {
    const at = start + m.index
    if (at > last) parts.push(text.slice(last, at))
    parts.push(Object.freeze({ ref: m[1]! }))
    last = at + m[0].length
  }
  if (last < text.length) parts.push(text.slice(last))
  const d: { text: string; kind: 'path' | 'url'; parts: typeof parts; host?: string } = {
    text,
    kind: absolute === null ? 'path' : 'url',
    parts: Object.freeze(parts) as typeof parts,
  }
  if (absolute !== null) {
    try {
      d.host = new URL(text.replace(REF, 'x')).hostname.toLowerCase()
    } catch {
      // left without a host: destinationProblem refuses it
    }
  }
  return Object.freeze(d)
}

/**
 * The references a destination uses.
 *
 * @param destination - a parsed destination
 * @returns the names, in order of appearance
 * @example
 * ```ts
 * destinationRefs(parseDestination('/:a/x/:splat')) // ['a', 'splat']
 * ```
 */
export function destinationRefs(destination: Destination): string[] {
  const refs: string[] = []
  for (const p of destination.parts) if (typeof p !== 'string') refs.push(p.ref)
  return refs
}

/**
 * Fills a destination in with a match's values, each percent-encoded (the values are decoded canonical
 * segments, so `/`, `\`, `?`, `#` and controls can only appear encoded or not at all).
 *
 * @param destination - a parsed, validated destination
 * @param params - the values a pattern captured (`PatternMatch.params`)
 * @returns the target: a path on this site or an absolute URL
 * @example
 * ```ts
 * fillDestination(parseDestination('/blog/:splat'), { splat: 'a b/c' }) // '/blog/a%20b/c'
 * ```
 */
export function fillDestination(destination: Destination, params: Readonly<Record<string, string>>): string {
  let out = ''
  for (const p of destination.parts) {
    if (typeof p === 'string') {
      out += p
      continue
    }
    const value = params[p.ref] ?? ''
    // encodePath keeps '/' between segments; a leading '/' is never produced from a value.
    out += value === '' ? '' : encodePath(value).replace(/^\/+/, '')
  }
  return out
}
