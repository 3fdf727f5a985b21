/**
 * The HTML page of a listing, and the Content-Security-Policy that allows exactly its one inline style.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { encodePath } from 'tinyhttp-core'
import type { FolderEntry } from './folder-index.js'
import { escapeHtml } from './html-escape.js'
import type { ListingPage } from './page.js'
import { viewQuery, type ListingView } from './view.js'

/**
 * The page's only style sheet, inline; {@link LISTING_CSP} allows it by its hash (no `'unsafe-inline'`).
 *
 * @example
 * ```ts
 * html.includes(`<style>${LISTING_STYLE}</style>`) // true for every listing page
 * ```
 */
export const LISTING_STYLE =
  'body{font:15px/1.5 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;color:#222}' +
  'h1{font-size:1.3em;word-break:break-all}table{border-collapse:collapse;width:100%}' +
  'th,td{padding:.25em .6em;text-align:left;border-bottom:1px solid #ddd}' +
  'td.n{word-break:break-all}td.s,th.s{text-align:right;white-space:nowrap}td.d{white-space:nowrap}' +
  'a{color:#0645ad;text-decoration:none}a:hover{text-decoration:underline}nav{margin-top:1em}nav a{margin-right:1em}' +
  '@media (prefers-color-scheme:dark){body{background:#111;color:#ddd}a{color:#8ab4f8}th,td{border-color:#333}}'

/**
 * `Content-Security-Policy` of every listing page: nothing may load or run (`default-src 'none'`) but
 * the inline style whose SHA-256 is given; the page may not be framed.
 *
 * @example
 * ```ts
 * res.headers.set('Content-Security-Policy', LISTING_CSP)
 * // "default-src 'none'; style-src 'sha256-…'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
 * ```
 */
export const LISTING_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(LISTING_STYLE).digest('base64')}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

/**
 * A size for people: bytes below 1 KiB, else one decimal in binary units.
 *
 * @param bytes - a size
 * @returns e.g. `'512 B'`, `'1.5 KiB'`
 * @example
 * ```ts
 * formatSize(1536) // '1.5 KiB'
 * ```
 */
export function formatSize(bytes: number): string {
  let n = bytes
  let u = 0
  while (n >= 1024 && u < UNITS.length - 1) {
    n /= 1024
    u++
  }
  return u === 0 ? `${n} B` : `${n.toFixed(1)} ${UNITS[u]}`
}

/**
 * A time for people, in UTC: `YYYY-MM-DD HH:MM`.
 *
 * @param ms - ms since the epoch
 * @returns the formatted time
 * @example
 * ```ts
 * formatDate(0) // '1970-01-01 00:00'
 * ```
 */
export function formatDate(ms: number): string {
  const iso = new Date(Number.isFinite(ms) ? ms : 0).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`
}

/**
 * The link to an entry: the folder's path plus the name, percent-encoded by the core's `encodePath`
 * (a `%`, `#`, space, quote or non-ASCII name is encoded; the result is visible ASCII), with `/` after a
 * folder.
 *
 * @param folderPath - the folder's canonical path (trailing `/`)
 * @param entry - the entry
 * @returns the absolute path for `href`
 * @example
 * ```ts
 * entryHref('/docs/', { name: '100% café.txt', kind: 'file', size: 1, mtimeMs: 0 }) // '/docs/100%25%20caf%C3%A9.txt'
 * ```
 */
export function entryHref(folderPath: string, entry: FolderEntry): string {
  return encodePath(folderPath + entry.name + (entry.kind === 'folder' ? '/' : ''))
}

/**
 * The parent folder's path, or undefined for the root.
 *
 * @param folderPath - a folder's canonical path (trailing `/`)
 * @returns e.g. `'/docs/'` for `'/docs/img/'`
 * @example
 * ```ts
 * parentOf('/docs/img/') // '/docs/'
 * parentOf('/')          // undefined
 * ```
 */
export function parentOf(folderPath: string): string | undefined {
  if (folderPath === '/') return undefined
  return folderPath.slice(0, folderPath.lastIndexOf('/', folderPath.length - 2) + 1)
}

function header(label: string, key: ListingView['sort'], view: ListingView, cls: string): string {
  const active = view.sort === key
  const order = active && view.order === 'asc' ? 'desc' : 'asc'
  const arrow = active ? (view.order === 'asc' ? ' ↑' : ' ↓') : ''
  const query = escapeHtml(viewQuery({ format: 'html', sort: key, order, page: 1 }))
  return `<th${cls}><a href="${query}">${label}</a>${arrow}</th>`
}

function row(folderPath: string, e: FolderEntry): string {
  const name = escapeHtml(e.name) + (e.kind === 'folder' ? '/' : '')
  const iso = new Date(Number.isFinite(e.mtimeMs) ? e.mtimeMs : 0).toISOString()
  return (
    `<tr><td class="n"><a href="${escapeHtml(entryHref(folderPath, e))}">${name}</a></td>` +
    `<td class="s">${formatSize(e.size)}</td><td class="d"><time datetime="${iso}">${formatDate(e.mtimeMs)}</time></td></tr>`
  )
}

/**
 * Renders the HTML page of one listing page. Every name is escaped, every link percent-encoded, the only
 * style is {@link LISTING_STYLE}; no script, no image, no request data but the folder's canonical path
 * and the view's own known values.
 *
 * @param folderPath - the folder's canonical path (trailing `/`)
 * @param page - the entries to show
 * @param view - the view (for the sort links and page links)
 * @returns the page
 * @example
 * ```ts
 * res.body = renderHtml('/docs/', pageOf(folder.entries, view, 1000), view)
 * ```
 */
export function renderHtml(folderPath: string, page: ListingPage, view: ListingView): string {
  const title = `Index of ${escapeHtml(folderPath)}`
  const parent = parentOf(folderPath)
  const rows: string[] = []
  if (parent !== undefined) rows.push(`<tr><td class="n"><a href="${escapeHtml(encodePath(parent))}">../</a></td><td class="s"></td><td class="d"></td></tr>`)
  for (const e of page.entries) rows.push(row(folderPath, e))
  const nav: string[] = []
  if (page.page > 1) nav.push(`<a rel="prev" href="${escapeHtml(viewQuery({ ...view, format: 'html', page: page.page - 1 }))}">← previous</a>`)
  if (page.pages > 1) nav.push(`<span>page ${page.page} of ${page.pages} (${page.total} entries)</span>`)
  if (page.page < page.pages) nav.push(`<a rel="next" href="${escapeHtml(viewQuery({ ...view, format: 'html', page: page.page + 1 }))}">next →</a>`)
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${title}</title><style>${LISTING_STYLE}</style></head>\n<body><h1>${title}</h1>\n` +
    `<table><thead><tr>${header('Name', 'name', view, '')}${header('Size', 'size', view, ' class="s"')}${header('Modified', 'date', view, '')}</tr></thead>\n<tbody>\n` +
    rows.join('\n') +
    '\n</tbody></table>\n' +
    (nav.length > 0 ? `<nav>${nav.join(' ')}</nav>\n` : '') +
    '</body></html>\n'
  )
}
