import type { Middleware } from 'tinyhttp-core'

/**
 * One served file, as the allowlist's report lists it (`tinyhttp-allowlist`'s `AllowedFile` has these
 * fields and more).
 *
 * @example
 * ```ts
 * const f: ListedFile = { urlPath: '/docs/guide.pdf', size: 48213, mtimeMs: 1767225600000 }
 * ```
 */
export interface ListedFile {
  /** Canonical decoded URL path of the file (`/docs/café.txt`). */
  readonly urlPath: string
  /** Size in bytes when the table was built. */
  readonly size: number
  /** Modification time (ms since the epoch) when the table was built. */
  readonly mtimeMs: number
}

/**
 * Where the listing learns what is served: an object whose `report.allowed` is the list of served
 * files, replaced as a whole when it changes. The middleware of `tinyhttp-allowlist` is one (its
 * `report` is swapped with each new table: `add`, `remove`, `reload`, `watch`), so a listing never
 * reads the disk and never shows more than the allowlist serves.
 *
 * @example
 * ```ts
 * const list = allowlist(['**\/*'], { root: './public', watch: true })
 * const source: ListingSource = list
 * ```
 */
export interface ListingSource {
  /** The current table's report; a new object each time the table changes. */
  readonly report: { readonly allowed: readonly ListedFile[] }
  /** Resolves once the first table is built (requests that arrive earlier wait for it). */
  readonly ready?: PromiseLike<unknown>
}

/**
 * Options of {@link listing}.
 *
 * @example
 * ```ts
 * const options: ListingOptions = { index: 'index.html', pageSize: 1000 }
 * ```
 */
export interface ListingOptions {
  /**
   * Name of the index file: a folder that holds a served file of that name is not listed (the index
   * keeps being served by static). `false`: every folder is listed.
   * @defaultValue `'index.html'`
   */
  index?: string | false
  /**
   * Entries per page; a folder with more is split into pages (`?page=N`).
   * @defaultValue 1000
   */
  pageSize?: number
  /**
   * `Cache-Control` of listings (they revalidate with their strong `ETag`).
   * @defaultValue `'no-cache'`
   */
  cacheControl?: string
}

/**
 * The listing middleware, with a way to see the folders it would list (for `--check`-style reports and
 * tests).
 *
 * @example
 * ```ts
 * const mw: ListingMiddleware = listing(list)
 * app.use(mw, list, serveStatic('./public'))
 * mw.folders() // ['/', '/docs/']
 * ```
 */
export interface ListingMiddleware extends Middleware {
  /** The canonical paths (`/`, `/docs/`) of the folders listed right now (no index file), sorted. */
  folders(): string[]
}
