/**
 * `Accept-Encoding` negotiation for precompressed variants (RFC 9110 §12.5.3).
 *
 * @module
 */

/**
 * A content coding this package can serve from a precompressed sibling file.
 *
 * @example
 * ```ts
 * const c: Coding = negotiateEncoding('br, gzip', ['br', 'gzip']) as Coding // 'br'
 * ```
 */
export type Coding = 'br' | 'gzip'

/**
 * Server preference order, used to break ties: brotli first.
 *
 * @example
 * ```ts
 * CODING_ORDER[0] // 'br'
 * ```
 */
export const CODING_ORDER: readonly Coding[] = ['br', 'gzip']

/**
 * File-name suffix of the sibling that holds each coding.
 *
 * @example
 * ```ts
 * 'app.js' + CODING_SUFFIX.gzip // 'app.js.gz'
 * ```
 */
export const CODING_SUFFIX: Readonly<Record<Coding, string>> = { br: '.br', gzip: '.gz' }

/**
 * A `qvalue` in thousandths (0–1000), or -1 when it is not `0[.ddd]` / `1[.000]`.
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
 * Picks the content coding for a response among the available precompressed variants.
 *
 * @remarks
 * - Tokens are case-insensitive; `x-gzip` counts as `gzip` (§8.4.1.3).
 * - `q=0` means "not acceptable"; a coding not listed takes the `*` weight, or is not acceptable when
 *   there is no `*`. An element with an invalid weight is skipped.
 * - The highest weight wins; ties go to the server order `br` > `gzip`.
 * - `identity` is acceptable unless `identity;q=0` or `*;q=0` (without an `identity` entry). It wins over
 *   the best coding only when it is listed (directly or through `*`) with a strictly higher weight.
 * - No header → `identity` (the usual choice: an old client may not decode anything).
 * - When nothing is acceptable, not even `identity`, the answer is still `identity`: sending the
 *   unencoded representation is what §12.5.3 suggests rather than a 415/406.
 *
 * @param header - the `Accept-Encoding` field value, or undefined when absent
 * @param available - the codings that have a variant for this file
 * @returns the chosen coding, or `'identity'`
 * @example
 * ```ts
 * negotiateEncoding('gzip;q=0', ['br', 'gzip'])              // 'identity'
 * negotiateEncoding('br;q=0.1, gzip;q=0.9', ['br', 'gzip'])  // 'gzip'
 * negotiateEncoding('GZIP', ['br', 'gzip'])                  // 'gzip'
 * negotiateEncoding('*', ['br', 'gzip'])                     // 'br'
 * ```
 */
export function negotiateEncoding(header: string | undefined, available: readonly Coding[]): Coding | 'identity' {
  if (header === undefined || available.length === 0) return 'identity'
  let qBr = -1
  let qGzip = -1
  let qIdentity = -1
  let qStar = -1
  for (const element of header.split(',')) {
    const semi = element.indexOf(';')
    const token = (semi < 0 ? element : element.slice(0, semi)).trim().toLowerCase()
    if (token === '') continue
    let q = 1000
    if (semi >= 0) {
      let valid = true
      for (const param of element.slice(semi + 1).split(';')) {
        const p = param.trim()
        if (p.length >= 2 && (p.charCodeAt(0) | 0x20) === 0x71 && p.charCodeAt(1) === 0x3d) {
          q = parseQ(p.slice(2))
          if (q < 0) valid = false
        } else if (p !== '') {
          valid = false // only a weight is defined for Accept-Encoding
        }
      }
      if (!valid) continue
    }
    if (token === 'br') qBr = Math.max(qBr, q)
    else if (token === 'gzip' || token === 'x-gzip') qGzip = Math.max(qGzip, q)
    else if (token === 'identity') qIdentity = Math.max(qIdentity, q)
    else if (token === '*') qStar = Math.max(qStar, q)
  }
  let best: Coding | 'identity' = 'identity'
  let bestQ = 0
  for (const coding of CODING_ORDER) {
    if (!available.includes(coding)) continue
    const explicit = coding === 'br' ? qBr : qGzip
    const q = explicit >= 0 ? explicit : qStar >= 0 ? qStar : 0
    if (q > bestQ) {
      best = coding
      bestQ = q
    }
  }
  if (best === 'identity') return 'identity'
  const identityListed = qIdentity >= 0 ? qIdentity : qStar
  return identityListed > bestQ ? 'identity' : best
}
