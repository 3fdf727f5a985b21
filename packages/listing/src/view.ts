/**
 * What a listing request asks for: format, sort key, order and page, read from the query and `Accept`.
 * A value we do not know is the default, never an error (a 400 would only tell a prober what we parse).
 *
 * @module
 */

/**
 * The view of a listing.
 *
 * @example
 * ```ts
 * const v: ListingView = { format: 'html', sort: 'size', order: 'desc', page: 2 }
 * ```
 */
export interface ListingView {
  /** HTML page or JSON document. */
  readonly format: 'html' | 'json'
  /** Sort key. */
  readonly sort: 'name' | 'size' | 'date'
  /** Sort order. */
  readonly order: 'asc' | 'desc'
  /** Page number, from 1 (not yet clamped to the number of pages). */
  readonly page: number
}

/** Largest page number read (larger ones are clamped to the last page anyway). */
const MAX_PAGE = 1_000_000

/**
 * The q-value of the most specific `Accept` member matching a media type (`-1` when none matches), and
 * how specific it was: 2 the type itself, 1 `type/*`, 0 `*\/*`.
 *
 * @param accept - the `Accept` field
 * @param type - the media type, lower case (`text/html`)
 * @param wildcards - whether `type/*` and `*\/*` count
 */
function quality(accept: string, type: string, wildcards: boolean): { q: number; specificity: number } {
  const major = type.slice(0, type.indexOf('/') + 1) + '*'
  let best = -1
  let bestSpecificity = -1
  for (const member of accept.split(',')) {
    const params = member.split(';')
    const range = params[0]!.trim().toLowerCase()
    const specificity = range === type ? 2 : wildcards && range === major ? 1 : wildcards && range === '*/*' ? 0 : -1
    if (specificity < 0 || specificity < bestSpecificity) continue
    let q = 1
    for (let i = 1; i < params.length; i++) {
      const [name, value] = params[i]!.split('=', 2)
      if (name?.trim().toLowerCase() !== 'q') continue
      const n = Number(value?.trim())
      q = Number.isFinite(n) && n >= 0 && n <= 1 ? n : 0
    }
    // RFC 9110 §12.5.1: the most specific range decides; among equals, the best q.
    if (specificity > bestSpecificity || q > best) best = q
    bestSpecificity = specificity
  }
  return { q: best, specificity: bestSpecificity }
}

/**
 * Whether `Accept` asks for JSON rather than HTML: `application/json` listed by name with a q-value above
 * 0 and above the one `text/html` gets (from `text/html`, `text/*` or `*\/*`), or equal to it when
 * `text/html` is reached only through a wildcard. A browser's `Accept` (`text/html,…,*\/*;q=0.8`) gets
 * HTML; `Accept: application/json` and `application/json, text/plain, *\/*` (HTTP libraries) get JSON;
 * no `Accept` gets HTML.
 *
 * @param accept - the `Accept` field, or undefined
 * @returns true for JSON
 * @example
 * ```ts
 * prefersJson('application/json')                       // true
 * prefersJson('text/html,application/json;q=0.9')       // false
 * prefersJson('application/json, text/html;q=0.5')      // true
 * ```
 */
export function prefersJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.length > 4096) return false
  const json = quality(accept, 'application/json', false).q
  if (json <= 0) return false
  const html = quality(accept, 'text/html', true)
  return json > html.q || (json === html.q && html.specificity < 2)
}

function pick<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback
}

/**
 * Reads the view from the query (`sort=name|size|date`, `order=asc|desc`, `format=html|json`,
 * `page=N`) and `Accept` (for the format when `format` is absent or unknown). Unknown or malformed values
 * give the defaults: name, ascending, page 1, HTML unless `Accept` prefers JSON.
 *
 * @param query - the parsed query
 * @param accept - the `Accept` field
 * @returns the view
 * @example
 * ```ts
 * readView(new URLSearchParams('sort=size&order=desc&page=2'), undefined) // { format: 'html', sort: 'size', order: 'desc', page: 2 }
 * readView(new URLSearchParams('sort=<x>&page=-1'), 'application/json')   // { format: 'json', sort: 'name', order: 'asc', page: 1 }
 * ```
 */
export function readView(query: URLSearchParams, accept: string | undefined): ListingView {
  const format = query.get('format')
  const pageText = query.get('page')
  let page = 1
  if (pageText !== null && /^[0-9]{1,7}$/.test(pageText)) page = Math.min(Math.max(Number(pageText), 1), MAX_PAGE)
  return {
    format: format === 'json' || format === 'html' ? format : prefersJson(accept) ? 'json' : 'html',
    sort: pick(query.get('sort'), ['name', 'size', 'date'] as const, 'name'),
    order: pick(query.get('order'), ['asc', 'desc'] as const, 'asc'),
    page,
  }
}

/**
 * The query string of a view (for links): sort, order, page, and `format=json` for JSON.
 *
 * @param view - the view
 * @returns e.g. `'?sort=size&order=desc&page=2'`
 * @example
 * ```ts
 * viewQuery({ format: 'json', sort: 'name', order: 'asc', page: 3 }) // '?sort=name&order=asc&page=3&format=json'
 * ```
 */
export function viewQuery(view: ListingView): string {
  return `?sort=${view.sort}&order=${view.order}&page=${view.page}${view.format === 'json' ? '&format=json' : ''}`
}
