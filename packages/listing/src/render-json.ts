/**
 * The JSON document of a listing.
 *
 * @module
 */
import { encodePath } from 'tinyhttp-core'
import { entryHref, parentOf } from './render-html.js'
import type { ListingPage } from './page.js'
import { viewQuery, type ListingView } from './view.js'

/**
 * One entry as JSON.
 *
 * @example
 * ```ts
 * const e: JsonEntry = { name: 'a b.txt', type: 'file', href: '/docs/a%20b.txt', size: 12, mtime: '2026-12-03T10:00:00.000Z' }
 * ```
 */
export interface JsonEntry {
  /** The name, decoded. */
  name: string
  /** `'file'` or `'directory'`. */
  type: 'file' | 'directory'
  /** Absolute, percent-encoded link (a folder's ends in `/`). */
  href: string
  /** Bytes (a folder: the total of the served files below it). */
  size: number
  /** Modification time, ISO 8601 UTC (a folder: the newest below it). */
  mtime: string
}

/**
 * The JSON document of a listing.
 *
 * @example
 * ```ts
 * const doc: JsonListing = JSON.parse(body)
 * doc.entries.length <= 1000 // one page
 * ```
 */
export interface JsonListing {
  /** The folder's canonical path (decoded, trailing `/`). */
  path: string
  /** The parent folder's link, or null at the root. */
  parent: string | null
  /** Sort key and order of `entries`. */
  sort: ListingView['sort']
  order: ListingView['order']
  /** This page (from 1), the number of pages and the number of entries in the folder. */
  page: number
  pages: number
  total: number
  /** Links (query only, relative to the folder) to the previous and next pages, or null. */
  prev: string | null
  next: string | null
  /** The entries of this page: folders first. */
  entries: JsonEntry[]
}

/**
 * Renders the JSON document of one listing page.
 *
 * @param folderPath - the folder's canonical path (trailing `/`)
 * @param page - the entries to show
 * @param view - the view
 * @returns the JSON text (`<` written `\u003c`)
 * @example
 * ```ts
 * res.body = renderJson('/docs/', pageOf(folder.entries, view, 1000), view)
 * ```
 */
export function renderJson(folderPath: string, page: ListingPage, view: ListingView): string {
  const parent = parentOf(folderPath)
  const doc: JsonListing = {
    path: folderPath,
    parent: parent === undefined ? null : encodePath(parent),
    sort: view.sort,
    order: view.order,
    page: page.page,
    pages: page.pages,
    total: page.total,
    prev: page.page > 1 ? viewQuery({ ...view, format: 'json', page: page.page - 1 }) : null,
    next: page.page < page.pages ? viewQuery({ ...view, format: 'json', page: page.page + 1 }) : null,
    entries: page.entries.map(e => ({
      name: e.name,
      type: e.kind === 'folder' ? 'directory' : 'file',
      href: entryHref(folderPath, e),
      size: e.size,
      mtime: new Date(Number.isFinite(e.mtimeMs) ? e.mtimeMs : 0).toISOString(),
    })),
  }
  // `<` written as \u003c: the document stays inert even if something renders it as HTML.
  return JSON.stringify(doc).replace(/</g, '\\u003c')
}
