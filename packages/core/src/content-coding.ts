/**
 * Content codings (RFC 9110 §8.4.1) and `Accept-Encoding` negotiation (§12.5.3), shared by the plugins
 * that compress: tinyhttp-static (variants made once per file) and tinyhttp-compress (streams).
 *
 * @module
 */
import zlib from 'node:zlib'

/**
 * A content coding tinyhttp can produce.
 *
 * @example
 * ```ts
 * const coding: ContentCoding = 'br'
 * ```
 */
export type ContentCoding = 'br' | 'zstd' | 'gzip'

/**
 * Server preference among codings the client weighs equally: brotli (smallest for text), then zstd,
 * then gzip.
 *
 * @example
 * ```ts
 * CODING_PREFERENCE[0] // 'br'
 * ```
 */
export const CODING_PREFERENCE: readonly ContentCoding[] = Object.freeze(['br', 'zstd', 'gzip'])

const RUNTIME_CODINGS: readonly ContentCoding[] = Object.freeze(
  CODING_PREFERENCE.filter(c => c !== 'zstd' || typeof (zlib as { zstdCompress?: unknown }).zstdCompress === 'function'),
)

/**
 * The codings the running Node can produce, in preference order: `zstd` only where `zlib.zstdCompress`
 * exists (Node 22.15+/23.8+); on Node 20 it is `['br', 'gzip']`.
 *
 * @example
 * ```ts
 * runtimeCodings() // ['br', 'gzip'] on Node 20
 * ```
 */
export function runtimeCodings(): readonly ContentCoding[] {
  return RUNTIME_CODINGS
}

/** Weights of one `Accept-Encoding` value, in thousandths; -1 = not listed. */
interface Weights {
  br: number
  zstd: number
  gzip: number
  identity: number
  star: number
}

/**
 * A `qvalue` (`0[.ddd]` or `1[.000]`) in thousandths, or -1 when it is not one.
 *
 * @param s - the text after `q=`
 */
function parseQ(s: string): number {
  const n = s.length
  if (n === 0 || n > 5) return -1
  const lead = s.charCodeAt(0)
  if (lead !== 0x30 && lead !== 0x31) return -1
  if (n === 1) return lead === 0x31 ? 1000 : 0
  if (s.charCodeAt(1) !== 0x2e) return -1
  let frac = 0
  let scale = 100
  for (let i = 2; i < n; i++) {
    const d = s.charCodeAt(i) - 0x30
    if (d < 0 || d > 9) return -1
    frac += d * scale
    scale /= 10
  }
  if (lead === 0x31) return frac === 0 ? 1000 : -1
  return frac
}

/**
 * The weight of one list element's parameters: 1000 without `q`, the `q` in thousandths, or -1 when a
 * parameter is not a valid weight (only `q` is defined for `Accept-Encoding`; such an element is skipped).
 */
function elementWeight(params: string): number {
  let q = 1000
  for (const param of params.split(';')) {
    const p = param.trim()
    if (p === '') continue
    if (p.length < 2 || (p.charCodeAt(0) | 0x20) !== 0x71 || p.charCodeAt(1) !== 0x3d) return -1
    q = parseQ(p.slice(2))
    if (q < 0) return -1
  }
  return q
}

/** Reads the weights of every coding we know; a token listed twice keeps its highest weight. */
function readWeights(header: string): Weights {
  const w: Weights = { br: -1, zstd: -1, gzip: -1, identity: -1, star: -1 }
  for (const element of header.split(',')) {
    const semi = element.indexOf(';')
    const token = (semi < 0 ? element : element.slice(0, semi)).trim().toLowerCase()
    if (token === '') continue
    const name = token === 'x-gzip' ? 'gzip' : token === '*' ? 'star' : token
    if (name !== 'br' && name !== 'zstd' && name !== 'gzip' && name !== 'identity' && name !== 'star') continue
    const q = semi < 0 ? 1000 : elementWeight(element.slice(semi + 1))
    if (q >= 0 && q > w[name]) w[name] = q
  }
  return w
}

/**
 * Chooses the content coding of a response (RFC 9110 §12.5.3).
 *
 * @remarks
 * - Tokens are case-insensitive; `x-gzip` is `gzip` (§8.4.1.3). An element with a malformed weight
 *   (`q=abc`, `q=1.0001`) or another parameter is skipped; stray commas are ignored. Linear in the
 *   length of the value; never throws.
 * - A listed coding takes its own weight; an unlisted one the weight of `*`, or is not acceptable
 *   when there is no `*`. `q=0` means not acceptable.
 * - The highest weight wins; ties go to {@link CODING_PREFERENCE} (br, zstd, gzip).
 * - `identity` is acceptable unless `identity;q=0`, or `*;q=0` without an `identity` element. It wins
 *   over the best coding only with a strictly higher weight.
 * - No header: `identity` (a client that says nothing may decode nothing).
 *
 * @param header - the `Accept-Encoding` field value, or undefined when the request has none
 * @param available - the codings the server has (or can make) for this response
 * @returns the coding to send, `'identity'`, or `null` when nothing is acceptable — not even identity
 *   (tinyhttp-static answers 406 then; tinyhttp-compress sends identity)
 * @example
 * ```ts
 * negotiateEncoding('gzip, br', ['br', 'gzip'])               // 'br'
 * negotiateEncoding('br;q=0.1, gzip;q=0.9', ['br', 'gzip'])  // 'gzip'
 * negotiateEncoding('gzip;q=0', ['gzip'])                    // 'identity'
 * negotiateEncoding('identity;q=0', [])                      // null
 * ```
 */
export function negotiateEncoding(
  header: string | undefined,
  available: readonly ContentCoding[],
): ContentCoding | 'identity' | null {
  if (header === undefined) return 'identity'
  const w = readWeights(header)
  let best: ContentCoding | undefined
  let bestQ = 0
  for (const coding of CODING_PREFERENCE) {
    if (!available.includes(coding)) continue
    const q = w[coding] >= 0 ? w[coding] : w.star >= 0 ? w.star : 0
    if (q > bestQ) {
      best = coding
      bestQ = q
    }
  }
  const identityQ = w.identity >= 0 ? w.identity : w.star >= 0 ? w.star : 1
  if (best === undefined) return identityQ > 0 ? 'identity' : null
  return identityQ > bestQ ? 'identity' : best
}

/**
 * Whether a `Cache-Control` value carries the `no-transform` directive (RFC 9111 §5.2.2.6): then no
 * coding may be applied to the response.
 *
 * @param cacheControl - the field value, or undefined
 * @example
 * ```ts
 * hasNoTransform('public, No-Transform') // true
 * hasNoTransform('no-transformation')    // false
 * ```
 */
export function hasNoTransform(cacheControl: string | undefined): boolean {
  if (cacheControl === undefined || cacheControl.length < 12) return false
  for (const directive of cacheControl.split(',')) {
    const eq = directive.indexOf('=')
    const name = (eq < 0 ? directive : directive.slice(0, eq)).trim()
    if (name.length === 12 && name.toLowerCase() === 'no-transform') return true
  }
  return false
}
