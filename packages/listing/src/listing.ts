/**
 * The listing middleware: answers a folder path with the folder's served entries, from the table the
 * source holds in memory.
 *
 * @module
 */
import { createDebug, encodePath, etagMatches, type Context, type Next } from 'tinyhttp-core'
import { buildFolderIndex, type Folder } from './folder-index.js'
import { pageOf } from './page.js'
import { LISTING_CSP, renderHtml } from './render-html.js'
import { renderJson } from './render-json.js'
import type { ListingMiddleware, ListingOptions, ListingSource } from './types.js'
import { readView, type ListingView } from './view.js'

declare module 'tinyhttp-core' {
  interface ResponseReasonKinds {
    /** Answered by tinyhttp-listing (`listing:html`, `listing:json`, `listing:not-modified`, `listing:redirect`). */
    listing: true
  }
}

const debug = createDebug('tinyhttp:listing')

/** Bumped when the rendering changes, so a tag never names the bytes of an older version. */
const FORMAT_VERSION = 'l1'

/**
 * Rendered bodies kept by their ETag (which names the entry set and the view, so a hit is the right bytes
 * by construction). A 1000-entry HTML page costs about 1.7–2.5 ms to render (JSON 1.1–1.8 ms), a repeat a
 * lookup: `node packages/listing/bench/render.mjs` (2500 generated entries, the 2-core test machine).
 * At most this many bodies (≈ 180 KB each for a full page): about 6 MB at worst, emptied on each new table.
 */
const MEMO_ENTRIES = 32

function validate(source: unknown, options: unknown): asserts options is ListingOptions {
  // The allowlist middleware is a function with a `report` getter.
  const s = source as { report?: { allowed?: unknown } } | null
  if ((typeof s !== 'object' && typeof s !== 'function') || s === null || !('report' in s)) {
    throw new TypeError('listing: the source must have a report with the served files (the allowlist middleware)')
  }
  if (typeof options !== 'object' || options === null) throw new TypeError('listing: options must be an object')
  const o = options as Record<string, unknown>
  if (o.index !== undefined && o.index !== false && (typeof o.index !== 'string' || o.index === '' || /[/\\\0]/.test(o.index))) {
    throw new TypeError('listing: options.index must be a file name (no "/") or false')
  }
  if (o.pageSize !== undefined && (typeof o.pageSize !== 'number' || !Number.isInteger(o.pageSize) || o.pageSize < 1)) {
    throw new TypeError('listing: options.pageSize must be a positive integer')
  }
  if (o.cacheControl !== undefined && (typeof o.cacheControl !== 'string' || /[\0\r\n]/.test(o.cacheControl))) {
    throw new TypeError('listing: options.cacheControl must be a header value')
  }
}

/** The view parameters the query spelled with a value we know, in a fixed order: a redirect keeps only these. */
function keptQuery(query: URLSearchParams): string {
  const kept: string[] = []
  const sort = query.get('sort')
  if (sort === 'name' || sort === 'size' || sort === 'date') kept.push(`sort=${sort}`)
  const order = query.get('order')
  if (order === 'asc' || order === 'desc') kept.push(`order=${order}`)
  const page = query.get('page')
  if (page !== null && /^[0-9]{1,7}$/.test(page)) kept.push(`page=${Number(page)}`)
  const format = query.get('format')
  if (format === 'json' || format === 'html') kept.push(`format=${format}`)
  return kept.length === 0 ? '' : '?' + kept.join('&')
}

/**
 * Creates the listing middleware: a `GET`/`HEAD` for a folder (`/`, `/docs/`) that holds something the
 * source serves but no served index file is answered with a listing; `/docs` (no slash) for such a folder
 * gets `301` to `/docs/`. Everything else goes to `next()` untouched.
 *
 * @remarks
 * - **Only what is served.** The folders come from `source.report.allowed` (the allowlist's table), so
 *   a denied file, a dotfile that is not listed exactly, a symlink leaving the root and an empty folder
 *   are never shown; a listing can never reveal more than direct requests. The index is rebuilt when the
 *   source's report object changes (every new table: `add`, `remove`, `reload`, `watch`), on the next
 *   request; nothing reads the disk.
 * - **Where.** Before the allowlist: the allowlist refuses a folder path it has no index for, so the
 *   listing answers those itself (from the same table) and passes everything else on. A folder with a
 *   served index file is left to the allowlist and static (the index keeps being served).
 * - **Formats.** HTML (`text/html`), or JSON (`application/json`) for `?format=json` or an `Accept`
 *   that prefers `application/json`; `Vary: Accept` on both. `?sort=name|size|date`, `?order=asc|desc`,
 *   `?page=N`: unknown values give the defaults (never a 400). Folders come first.
 * - **Headers.** `ETag`: strong, over the folder's entry set (names, kinds, sizes, times) and the view;
 *   `If-None-Match` → `304`. `Cache-Control` (default `no-cache`), `X-Content-Type-Options: nosniff`,
 *   and `Content-Security-Policy: default-src 'none'; style-src 'sha256-…'` (the hash of the page's one
 *   inline style). Pages of at most `pageSize` entries with `Link: <…>; rel="next"` / `"prev"`.
 *
 * @param source - what is served: the allowlist middleware (anything with `report.allowed`)
 * @param options - index name, page size, `Cache-Control`
 * @returns the middleware, named `listing`
 * @throws TypeError for a bad source or option
 * @example
 * ```ts
 * import { createApp } from 'tinyhttp-core'
 * import { allowlist } from 'tinyhttp-allowlist'
 * import { listing } from 'tinyhttp-listing'
 * import { serveStatic } from 'tinyhttp-static'
 *
 * const list = allowlist(['**\/*'], { root: './public', watch: true })
 * const app = createApp()
 * app.use(listing(list), list, serveStatic('./public'))
 * await app.listen(7878, '127.0.0.1')
 * ```
 */
export function listing(source: ListingSource, options: ListingOptions = {}): ListingMiddleware {
  validate(source, options)
  const index = options.index === undefined ? 'index.html' : options.index
  const pageSize = options.pageSize ?? 1000
  const cacheControl = options.cacheControl ?? 'no-cache'

  let seen: unknown = undefined
  let folders = new Map<string, Folder>()
  /** The same folders by their path without the trailing slash (`/docs`), for the redirect. */
  let bare = new Map<string, Folder>()
  const memo = new Map<string, Buffer>()
  let ready: boolean = source.ready === undefined
  const waiting: PromiseLike<unknown> | undefined = source.ready?.then(
    () => void (ready = true),
    () => void (ready = true),
  )

  /** The folders of the source's current table (rebuilt when the report object changed). */
  function current(): Map<string, Folder> {
    const report = source.report
    if (report !== seen) {
      seen = report
      folders = buildFolderIndex(report.allowed, index)
      bare = new Map()
      for (const [path, folder] of folders) if (path !== '/') bare.set(path.slice(0, -1), folder)
      memo.clear()
      debug('index rebuilt: %d files, %d folders', report.allowed.length, folders.size)
    }
    return folders
  }

  /** The body for a tag, rendered once and kept while it is among the last {@link MEMO_ENTRIES}. */
  function body(etag: string, render: () => string): Buffer {
    let bytes = memo.get(etag)
    if (bytes === undefined) {
      bytes = Buffer.from(render(), 'utf8')
      if (memo.size >= MEMO_ENTRIES) memo.delete(memo.keys().next().value as string)
      memo.set(etag, bytes)
    }
    return bytes
  }

  function answer(ctx: Context, folder: Folder): void {
    const req = ctx.req
    const res = ctx.res
    const view: ListingView = readView(req.query, req.headers.get('accept') ?? undefined)
    // The page number needs only the count: sorting waits until a body has to be rendered.
    const pages = Math.max(1, Math.ceil(folder.entries.length / pageSize))
    const number = Math.min(view.page, pages)
    const etag = `"${folder.digest}.${FORMAT_VERSION}.${view.format}.${view.sort}.${view.order}.${number}"`
    res.headers.set('ETag', etag)
    res.headers.set('Cache-Control', cacheControl)
    res.headers.vary(['Accept'])
    const inm = req.headers.get('if-none-match')
    if (inm !== undefined && etagMatches(inm, etag, false)) {
      res.status = 304
      res.reason = 'listing:not-modified'
      return
    }
    const links: string[] = []
    const base = encodePath(folder.path)
    const format = view.format === 'json' ? '&format=json' : ''
    if (number > 1) links.push(`<${base}?sort=${view.sort}&order=${view.order}&page=${number - 1}${format}>; rel="prev"`)
    if (number < pages) links.push(`<${base}?sort=${view.sort}&order=${view.order}&page=${number + 1}${format}>; rel="next"`)
    if (links.length > 0) res.headers.set('Link', links.join(', '))
    res.headers.set('X-Content-Type-Options', 'nosniff')
    res.status = 200
    if (view.format === 'json') {
      res.headers.set('Content-Type', 'application/json; charset=utf-8')
      res.headers.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'")
      res.body = body(etag, () => renderJson(folder.path, pageOf(folder.entries, view, pageSize), view))
      res.reason = 'listing:json'
    } else {
      res.headers.set('Content-Type', 'text/html; charset=utf-8')
      res.headers.set('Content-Security-Policy', LISTING_CSP)
      res.body = body(etag, () => renderHtml(folder.path, pageOf(folder.entries, view, pageSize), view))
      res.reason = 'listing:html'
    }
  }

  function decide(ctx: Context, next: Next, path: string, trailingSlash: boolean): void | Promise<void> {
    const table = current()
    if (trailingSlash || path === '/') {
      const folder = table.get(path)
      if (folder === undefined || folder.hasIndex) return next()
      answer(ctx, folder)
      return
    }
    const folder = bare.get(path)
    if (folder === undefined || folder.hasIndex) return next()
    ctx.res.status = 301
    ctx.res.headers.set('Location', encodePath(path + '/') + keptQuery(ctx.req.query))
    ctx.res.reason = 'listing:redirect'
  }

  async function late(ctx: Context, next: Next, path: string, trailingSlash: boolean): Promise<void> {
    await waiting
    return decide(ctx, next, path, trailingSlash)
  }

  const middleware = function listing(ctx: Context, next: Next): void | Promise<void> {
    const method = ctx.req.method
    if (method !== 'GET' && method !== 'HEAD') return next()
    const cp = ctx.req.canonicalPath
    if (!cp.ok) return next()
    return ready ? decide(ctx, next, cp.path, cp.trailingSlash) : late(ctx, next, cp.path, cp.trailingSlash)
  }

  Object.defineProperty(middleware, 'folders', {
    enumerable: true,
    value: (): string[] => [...current().values()].filter(f => !f.hasIndex).map(f => f.path).sort(),
  })
  return middleware as ListingMiddleware
}
