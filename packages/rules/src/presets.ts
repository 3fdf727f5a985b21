/**
 * Header presets (issue 12): `--cache spa`, `--isolate`, `--security-headers`, as functions from the
 * canonical path of the file served to the headers to set. Pure: the CLI precomputes them at start-up.
 *
 * @module
 */

/** A header to set: name and value. @example `const h: PresetHeader = ['Cache-Control', 'no-cache']` */
export type PresetHeader = readonly [name: string, value: string]

/** `Cache-Control` of a content-hashed asset. @example `IMMUTABLE === 'public, max-age=31536000, immutable'` */
export const IMMUTABLE = 'public, max-age=31536000, immutable'

const HEX_HASH = /^[0-9a-f]{8,}$/i
const BASE64URL_HASH = /^[A-Za-z0-9_]{8,}$/

/**
 * Whether a file name carries a content hash: the last dot- or dash-separated segment before the
 * extension is either at least 8 hex digits (`app.3f9a1c2e.js`), or at least 8 characters of
 * `[A-Za-z0-9_]` holding at least one digit and one letter (`index-BxY3kq9a.css`, Vite/Rollup's
 * base64url hashes). The stem must have another segment before the hash, and there must be an extension.
 *
 * @remarks
 * Not hashed: `jquery-3.7.1.js` (segment `1`), `app.min.js` (`min`), `font-awesome.css` (`awesome`, 7
 * letters), `components.js` (no segment before). A hex-only word of 8+ letters (`app.deadbeef.js`)
 * does count: it is indistinguishable from a hash.
 *
 * @param name - the last segment of the path (`'app.3f9a1c2e.js'`)
 * @returns true when the name has a content hash
 * @example
 * ```ts
 * isHashedName('app.3f9a1c2e.js')  // true
 * isHashedName('jquery-3.7.1.js')  // false
 * ```
 */
export function isHashedName(name: string): boolean {
  const dot = name.lastIndexOf('.')
  if (dot <= 0 || dot === name.length - 1) return false
  const stem = name.slice(0, dot)
  const cut = Math.max(stem.lastIndexOf('.'), stem.lastIndexOf('-'))
  if (cut <= 0) return false
  const hash = stem.slice(cut + 1)
  if (HEX_HASH.test(hash)) return true
  return BASE64URL_HASH.test(hash) && /[0-9]/.test(hash) && /[A-Za-z]/.test(hash)
}

/**
 * `--cache spa`: the `Cache-Control` for a served canonical path, or undefined to leave static's own
 * (`no-cache` by default, `public, max-age=N` with `--max-age`). HTML (`*.html`, `*.htm`; the SPA shell is
 * `/index.html`, matched after the fallback's rewrite), `sw.js` and `*.webmanifest` get `no-cache`;
 * content-hashed names ({@link isHashedName}) get {@link IMMUTABLE}.
 *
 * @param canonicalPath - the path of the file served (`'/assets/app.3f9a1c2e.js'`)
 * @returns the headers to set (empty: leave as is)
 * @example
 * ```ts
 * cacheSpaHeaders('/index.html')              // [['Cache-Control', 'no-cache']]
 * cacheSpaHeaders('/assets/app.3f9a1c2e.js')  // [['Cache-Control', 'public, max-age=31536000, immutable']]
 * ```
 */
export function cacheSpaHeaders(canonicalPath: string): PresetHeader[] {
  const name = canonicalPath.slice(canonicalPath.lastIndexOf('/') + 1)
  const lower = name.toLowerCase()
  if (lower === 'sw.js' || lower.endsWith('.webmanifest') || lower.endsWith('.html') || lower.endsWith('.htm')) {
    return [['Cache-Control', 'no-cache']]
  }
  if (isHashedName(name)) return [['Cache-Control', IMMUTABLE]]
  return []
}

/**
 * `--isolate`: the headers that make a page cross-origin isolated (`crossOriginIsolated === true`), on
 * every response.
 *
 * @example `ISOLATE_HEADERS[0] // ['Cross-Origin-Opener-Policy', 'same-origin']`
 */
export const ISOLATE_HEADERS: readonly PresetHeader[] = [
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Embedder-Policy', 'require-corp'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
]

/**
 * `--security-headers`: nosniff, `Referrer-Policy`, framing refused (`X-Frame-Options` and CSP
 * `frame-ancestors`), and HSTS only when the server speaks TLS (a start-up choice: the CLI serves either).
 *
 * @param tls - whether the server serves HTTPS
 * @returns the headers to set on every response
 * @example
 * ```ts
 * securityHeaders(true).at(-1) // ['Strict-Transport-Security', 'max-age=31536000']
 * ```
 */
export function securityHeaders(tls: boolean): PresetHeader[] {
  const headers: PresetHeader[] = [
    ['X-Content-Type-Options', 'nosniff'],
    ['Referrer-Policy', 'strict-origin-when-cross-origin'],
    ['X-Frame-Options', 'DENY'],
    ['Content-Security-Policy', "frame-ancestors 'none'"],
  ]
  if (tls) headers.push(['Strict-Transport-Security', 'max-age=31536000'])
  return headers
}
