/**
 * `Accept` parsing for fallback bodies and the SPA shell: a split-and-trim parser (no regular
 * expression over the request), RFC 9110 §12.5.1 semantics for `q`.
 *
 * @module
 */

/** The body formats `body: 'negotiate'` chooses from, in server preference order. */
export type BodyFormat = 'text' | 'html' | 'json'

interface Candidate {
  type: string
  subtype: string
  format: BodyFormat
}

const CANDIDATES: readonly Candidate[] = [
  { type: 'text', subtype: 'plain', format: 'text' },
  { type: 'text', subtype: 'html', format: 'html' },
  { type: 'application', subtype: 'json', format: 'json' },
]

interface MediaRange {
  type: string
  subtype: string
  q: number
}

/** Parses a qvalue (`0`, `0.5`, `1.000`, at most three decimals); NaN when malformed. */
function parseQ(value: string): number {
  const n = value.length
  if (n === 0 || n > 5) return NaN
  const first = value.charCodeAt(0)
  if (first !== 0x30 && first !== 0x31) return NaN
  if (n > 1 && value.charCodeAt(1) !== 0x2e) return NaN
  for (let i = 2; i < n; i++) {
    const c = value.charCodeAt(i)
    if (c < 0x30 || c > 0x39) return NaN
    if (first === 0x31 && c !== 0x30) return NaN
  }
  return Number(value)
}

/** Splits `Accept` into media ranges; elements that are not `type/subtype` or carry a bad `q` are skipped. */
function parseAccept(accept: string): MediaRange[] {
  const out: MediaRange[] = []
  for (const element of accept.split(',')) {
    const params = element.split(';')
    const range = (params[0] as string).trim().toLowerCase()
    const slash = range.indexOf('/')
    if (slash <= 0 || slash === range.length - 1) continue
    let q = 1
    for (let i = 1; i < params.length; i++) {
      const param = params[i] as string
      const eq = param.indexOf('=')
      if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== 'q') continue
      q = parseQ(param.slice(eq + 1).trim())
    }
    if (Number.isNaN(q)) continue
    out.push({ type: range.slice(0, slash), subtype: range.slice(slash + 1), q })
  }
  return out
}

/**
 * Picks the body format for `Accept`: the highest `q`, then the most specific range, then the range
 * the client listed first, then text/plain, text/html, JSON. Nothing acceptable (or no `Accept`) →
 * text/plain: an error answer is sent anyway (RFC 9110 §12.5.1 allows ignoring the header).
 *
 * @param accept - the request's `Accept` value
 * @returns the format
 * @internal
 */
export function negotiateFormat(accept: string | undefined): BodyFormat {
  if (accept === undefined || accept === '') return 'text'
  const ranges = parseAccept(accept)
  let best: BodyFormat = 'text'
  let bestQ = 0
  let bestSpecificity = -1
  let bestIndex = Infinity
  for (const candidate of CANDIDATES) {
    // The most specific range that matches this candidate decides its q.
    let q = -1
    let specificity = -1
    let index = Infinity
    for (let i = 0; i < ranges.length; i++) {
      const r = ranges[i] as MediaRange
      let s: number
      if (r.type === candidate.type && r.subtype === candidate.subtype) s = 2
      else if (r.type === candidate.type && r.subtype === '*') s = 1
      else if (r.type === '*' && r.subtype === '*') s = 0
      else continue
      if (s > specificity) {
        specificity = s
        q = r.q
        index = i
      }
    }
    if (q <= 0) continue
    if (q > bestQ || (q === bestQ && (specificity > bestSpecificity || (specificity === bestSpecificity && index < bestIndex)))) {
      best = candidate.format
      bestQ = q
      bestSpecificity = specificity
      bestIndex = index
    }
  }
  return best
}

/**
 * Whether `Accept` names `text/html` explicitly with a non-zero `q`. Neither `text/*` nor the
 * catch-all range (`*` slash `*`) counts, like sirv and vite: `fetch()`, curl and most tools send the
 * catch-all and must not get the SPA shell instead of a 404.
 *
 * @param accept - the request's `Accept` value
 * @returns true when text/html is explicitly acceptable
 * @internal
 */
export function acceptsHtmlExplicitly(accept: string | undefined): boolean {
  if (accept === undefined) return false
  for (const r of parseAccept(accept)) {
    if (r.type === 'text' && r.subtype === 'html' && r.q > 0) return true
  }
  return false
}
