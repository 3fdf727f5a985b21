/**
 * A page's Content Security Policy under `--dev`: the live-reload script and its WebSocket allowed by
 * exactly their URLs (or the script's hash under `'strict-dynamic'`), nothing else loosened.
 *
 * @module
 */

/**
 * What `--dev` needs a policy to allow on one page.
 *
 * @example
 * ```ts
 * const a: DevAllowance = { script: 'http://127.0.0.1:7878/__tinyhttp/dev.js', socket: 'ws://127.0.0.1:7878/__tinyhttp/dev', hash: "'sha256-…'" }
 * ```
 */
export interface DevAllowance {
  /** The absolute URL of the script, as the page loads it (a host-source with an exact path). */
  readonly script: string
  /** The absolute `ws:`/`wss:` URL of the live-reload socket. */
  readonly socket: string
  /** The script's hash-source (`'sha256-…'`), matched with the tag's `integrity` under `'strict-dynamic'`. */
  readonly hash: string
}

interface Directive {
  /** Lower-case name. */
  name: string
  /** The source expressions (or other tokens) after the name. */
  values: string[]
  /** The directive's text as given, kept when it is not changed. */
  text: string
  changed: boolean
}

function parsePolicy(policy: string): Directive[] {
  const out: Directive[] = []
  for (const part of policy.split(';')) {
    const tokens = part.trim().split(/[ \t]+/).filter(t => t !== '')
    if (tokens.length === 0) continue
    out.push({ name: (tokens[0] as string).toLowerCase(), values: tokens.slice(1), text: part.trim(), changed: false })
  }
  return out
}

function serialize(directives: readonly Directive[]): string {
  return directives.map(d => (d.changed ? [d.name, ...d.values].join(' ') : d.text)).join('; ')
}

const has = (values: readonly string[], token: string): boolean => values.some(v => v.toLowerCase() === token)

/** The first directive of one of these names, in this order (the CSP fallback list). */
function governing(directives: readonly Directive[], names: readonly string[]): Directive | undefined {
  for (const name of names) {
    const found = directives.find(d => d.name === name)
    if (found !== undefined) return found
  }
  return undefined
}

/**
 * Adds `source` to the directive that governs a fetch, leaving every other source as it was: the list
 * `'none'` alone becomes `source` alone (`'none'` cannot be combined); a directive that is the
 * `default-src` fallback is not changed itself (it governs other fetches too): a directive of its own
 * (`own`) is added with its sources plus `source`.
 */
function allow(directives: Directive[], order: readonly string[], own: string, source: string, already: (values: readonly string[]) => boolean): void {
  const d = governing(directives, order)
  if (d === undefined || already(d.values)) return
  const values = d.values.length === 1 && (d.values[0] as string).toLowerCase() === "'none'" ? [source] : [...d.values, source]
  if (d.name === 'default-src') {
    directives.push({ name: own, values, text: '', changed: true })
  } else {
    d.values = values
    d.changed = true
  }
}

/**
 * Rewrites one policy so that the dev script and its socket are allowed:
 *
 * - scripts: the directive governing `<script src>` (`script-src-elem`, else `script-src`, else a new
 *   `script-src` copied from `default-src`) gets the script's exact URL, or, when it has
 *   `'strict-dynamic'` (which ignores URL sources), the script's hash (the tag carries the matching
 *   `integrity`); nothing when `'self'` already allows it (and no `'strict-dynamic'`). A hash is never
 *   added beside `'unsafe-inline'` without `'strict-dynamic'`: that would turn the page's inline
 *   scripts off;
 * - the socket: the directive governing `connect-src` (`connect-src`, else a new one copied from
 *   `default-src`) gets the socket's exact URL (`'self'` matches `ws:` only in recent browsers);
 * - `'unsafe-inline'`, `'unsafe-eval'`, `*`, schemes or hosts are never added, and no directive
 *   is removed. A policy with neither directive (e.g. only `frame-ancestors`) is returned as it was.
 *
 * @param policy - one serialized policy (no `,`)
 * @param allowance - the URLs and hash
 * @returns the policy, unchanged text when nothing needed adding
 * @example
 * ```ts
 * allowDevInPolicy("default-src 'none'; style-src 'self'", a)
 * // "default-src 'none'; style-src 'self'; script-src http://127.0.0.1:7878/__tinyhttp/dev.js; connect-src ws://127.0.0.1:7878/__tinyhttp/dev"
 * ```
 */
export function allowDevInPolicy(policy: string, allowance: DevAllowance): string {
  const directives = parsePolicy(policy)
  const scripts = governing(directives, ['script-src-elem', 'script-src', 'default-src'])
  if (scripts !== undefined && has(scripts.values, "'strict-dynamic'")) {
    allow(directives, ['script-src-elem', 'script-src', 'default-src'], 'script-src', allowance.hash, v => has(v, allowance.hash.toLowerCase()))
  } else {
    allow(directives, ['script-src-elem', 'script-src', 'default-src'], 'script-src', allowance.script, v => has(v, "'self'") || v.includes(allowance.script))
  }
  allow(directives, ['connect-src', 'default-src'], 'connect-src', allowance.socket, v => v.includes(allowance.socket))
  return directives.some(d => d.changed) ? serialize(directives) : policy
}

/**
 * Rewrites a `Content-Security-Policy` (or `-Report-Only`) field value, which may hold several policies
 * separated by `,` (several field lines joined): each one with {@link allowDevInPolicy}. Every policy
 * must allow the script, so each is rewritten on its own.
 *
 * @param value - the field value
 * @param allowance - the URLs and hash
 * @returns the new value (the same string when nothing changed)
 * @example
 * ```ts
 * allowDevInCsp("script-src 'none', frame-ancestors 'none'", a)
 * // "script-src http://127.0.0.1:7878/__tinyhttp/dev.js, frame-ancestors 'none'"
 * ```
 */
export function allowDevInCsp(value: string, allowance: DevAllowance): string {
  const policies = value.split(',')
  const next = policies.map(p => {
    const rewritten = allowDevInPolicy(p.trim(), allowance)
    return rewritten === p.trim() ? p : rewritten
  })
  return next.every((p, i) => p === policies[i]) ? value : next.map(p => p.trim()).join(', ')
}
