/**
 * tinyhttp-listing: directory listings built from the allowlist's table — only what is served, HTML
 * (escaped names, a CSP that allows one hashed style) or JSON, strong ETags, sorting, pages.
 *
 * @example
 * ```ts
 * import { createApp } from 'tinyhttp-core'
 * import { allowlist } from 'tinyhttp-allowlist'
 * import { listing } from 'tinyhttp-listing'
 * import { serveStatic } from 'tinyhttp-static'
 *
 * const list = allowlist(['docs/**'], { root: './public' })
 * const app = createApp()
 * app.use(listing(list), list, serveStatic('./public'))
 * ```
 *
 * @packageDocumentation
 */
export { listing } from './listing.js'
export type { ListedFile, ListingMiddleware, ListingOptions, ListingSource } from './types.js'
export { buildFolderIndex, Folder, type FolderEntry } from './folder-index.js'
export { pageOf, sortEntries, type ListingPage } from './page.js'
export { prefersJson, readView, viewQuery, type ListingView } from './view.js'
export { escapeHtml } from './html-escape.js'
export { LISTING_CSP, LISTING_STYLE, entryHref, formatDate, formatSize, parentOf, renderHtml } from './render-html.js'
export { renderJson, type JsonEntry, type JsonListing } from './render-json.js'
