import type { Context } from 'tinyhttp-core'

/**
 * Which cross-origin pages may open a WebSocket: a list of origins (`https://app.example`, exact, as a
 * browser sends them; `'*'` for any), or a function deciding per request. Requests without `Origin`
 * (non-browser clients) and same-origin requests are always accepted.
 *
 * @example
 * ```ts
 * const origins: OriginOption = ['https://app.example', 'http://localhost:5173']
 * const byRule: OriginOption = origin => origin.endsWith('.example.com')
 * ```
 */
export type OriginOption = readonly string[] | ((origin: string, ctx: Context) => boolean)

/** A decided policy: `(origin, host, ctx) → allowed`. @internal */
export type OriginCheck = (origin: string | undefined, host: string | undefined, ctx: Context) => boolean

const DEFAULT_PORT: Record<string, string> = { 'http:': '80', 'https:': '443' }

/**
 * The serialized origin of a list entry (`scheme://host[:port]`, lower case, default port dropped), or
 * null when the text is not an origin.
 */
function serializeOrigin(text: string): string | null {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return null
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
  if (url.username !== '' || url.password !== '' || (url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') return null
  return `${url.protocol}//${url.host}`
}

/**
 * Whether `origin` names the host the request was sent to (`Host`), ports compared after dropping the
 * scheme's default one. The scheme is not compared: behind a TLS-terminating proxy the server cannot tell.
 *
 * @param origin - the request's `Origin`
 * @param host - the request's `Host`
 * @returns true for a same-origin request
 * @example
 * ```ts
 * isSameOrigin('http://localhost:8080', 'localhost:8080') // true
 * isSameOrigin('https://example.com', 'example.com:443') // true
 * isSameOrigin('https://evil.example', 'example.com')    // false
 * ```
 * @internal
 */
export function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined || host === '') return false
  const serialized = serializeOrigin(origin)
  if (serialized === null || serialized !== origin.toLowerCase()) return false
  const url = new URL(serialized)
  let expected = host.toLowerCase()
  const port = DEFAULT_PORT[url.protocol] as string
  if (expected.endsWith(`:${port}`)) expected = expected.slice(0, -port.length - 1)
  return url.host === expected
}

/**
 * Builds the origin check once, from the option (validated at once).
 *
 * @param option - the `origins` option, or undefined (same-origin only)
 * @returns `(origin, host, ctx) → allowed`
 * @throws TypeError for an entry that is not an origin
 * @example
 * ```ts
 * const check = originPolicy(['https://app.example'])
 * check(undefined, 'api.example', ctx)              // true: no Origin, not a browser
 * check('https://app.example', 'api.example', ctx)  // true: listed
 * check('https://evil.example', 'api.example', ctx) // false
 * ```
 * @internal
 */
export function originPolicy(option: OriginOption | undefined): OriginCheck {
  if (typeof option === 'function') {
    return (origin, host, ctx) => origin === undefined || isSameOrigin(origin, host) || option(origin, ctx) === true
  }
  if (option !== undefined && !Array.isArray(option)) throw new TypeError('websocket: origins must be a list of origins or a function')
  const list = (option ?? []) as readonly string[]
  if (list.includes('*')) return () => true
  const allowed = new Set<string>()
  for (const entry of list) {
    const serialized = typeof entry === 'string' ? serializeOrigin(entry) : null
    if (serialized === null) throw new TypeError(`websocket: ${String(entry)} is not an origin (scheme://host[:port])`)
    allowed.add(serialized)
  }
  return (origin, host) => origin === undefined || isSameOrigin(origin, host) || allowed.has(origin.toLowerCase())
}
