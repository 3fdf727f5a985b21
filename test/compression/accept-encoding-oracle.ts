/**
 * A deliberately conservative reading of an `Accept-Encoding` value (RFC 9110 §12.5.3), for the
 * property tests: it says which codings the client *clearly* accepts or refuses and leaves every doubtful
 * case (malformed elements, contradicting duplicates) undecided, so a property built on it can only flag
 * a server that picked something the client did not ask for.
 *
 * @module
 */

/** What a client clearly said about one coding. */
export type Verdict = 'accepted' | 'refused' | 'unclear'

interface Element {
  token: string
  /** q in thousandths; -1 when the element is malformed. */
  q: number
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/

function parseElements(header: string): Element[] {
  const out: Element[] = []
  for (const raw of header.split(',')) {
    const parts = raw.split(';').map(p => p.trim())
    const first = parts[0] as string
    if (first === '' && parts.length === 1) continue
    let token = first.toLowerCase()
    if (token === 'x-gzip') token = 'gzip'
    let q = TOKEN.test(token) ? 1000 : -1
    let seenQ = false
    for (const param of parts.slice(1)) {
      const m = /^q=(.*)$/i.exec(param)
      if (m === null || seenQ || !QVALUE.test(m[1] as string)) {
        q = -1
        continue
      }
      seenQ = true
      if (q !== -1) q = Math.round(Number(m[1]) * 1000)
    }
    out.push({ token, q })
  }
  return out
}

/**
 * What the client clearly said about a coding (or `identity`).
 *
 * @param header - the `Accept-Encoding` value (undefined = no field: identity only)
 * @param coding - `br`, `gzip`, `zstd` or `identity`
 * @returns `accepted`, `refused` or `unclear`
 * @example
 * ```ts
 * verdict('gzip, br;q=0', 'br')    // 'refused'
 * verdict('br;q=abc, gzip', 'br')  // 'unclear'
 * verdict('*', 'gzip')             // 'accepted'
 * ```
 */
export function verdict(header: string | undefined, coding: string): Verdict {
  if (header === undefined) return coding === 'identity' ? 'accepted' : 'refused'
  const elements = parseElements(header)
  const named = elements.filter(e => e.token === coding)
  const stars = elements.filter(e => e.token === '*')
  if (named.some(e => e.q === -1)) return 'unclear'
  if (named.length > 0) {
    const zero = named.some(e => e.q === 0)
    const positive = named.some(e => e.q > 0)
    if (zero && positive) return 'unclear'
    return zero ? 'refused' : 'accepted'
  }
  if (stars.some(e => e.q === -1)) return 'unclear'
  if (stars.length > 0) {
    const zero = stars.some(e => e.q === 0)
    const positive = stars.some(e => e.q > 0)
    if (zero && positive) return 'unclear'
    return zero ? 'refused' : 'accepted'
  }
  // Not named and no `*`: identity stays acceptable (RFC 9110 §12.5.3), a coding is not.
  return coding === 'identity' ? 'accepted' : 'refused'
}
