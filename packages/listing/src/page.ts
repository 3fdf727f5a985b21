/**
 * Sorting a folder's entries and cutting them into pages.
 *
 * @module
 */
import type { Folder, FolderEntry } from './folder-index.js'
import type { ListingView } from './view.js'

/**
 * One page of a sorted folder.
 *
 * @example
 * ```ts
 * const p: ListingPage = { entries: [], page: 1, pages: 1, total: 0 }
 * ```
 */
export interface ListingPage {
  /** The entries of this page, in the view's order. */
  readonly entries: readonly FolderEntry[]
  /** This page's number, from 1, clamped to `pages`. */
  readonly page: number
  /** Number of pages (at least 1). */
  readonly pages: number
  /** Number of entries in the folder. */
  readonly total: number
}

function compareNames(a: FolderEntry, b: FolderEntry): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}

/**
 * Sorts entries for a view: folders first, then files; within each group by the key (name, size or date;
 * ties by name), ascending or descending. Input in name order stays untouched (a copy is sorted).
 *
 * @param entries - a folder's entries
 * @param view - sort key and order
 * @returns a new sorted array
 * @example
 * ```ts
 * sortEntries(folder.entries, { format: 'html', sort: 'size', order: 'desc', page: 1 })
 * ```
 */
export function sortEntries(entries: readonly FolderEntry[], view: Pick<ListingView, 'sort' | 'order'>): FolderEntry[] {
  const sign = view.order === 'desc' ? -1 : 1
  const key = view.sort
  return [...entries].sort((a, b) => {
    if (a.kind !== b.kind) return a.kind === 'folder' ? -1 : 1
    let c = 0
    if (key === 'size') c = a.size - b.size
    else if (key === 'date') c = a.mtimeMs - b.mtimeMs
    if (c === 0) c = compareNames(a, b)
    return sign * c
  })
}

/**
 * The page a view asks for, clamped to the last page (a page past the end shows the last one).
 *
 * @param entries - a folder's entries, in name order (as {@link Folder} keeps them)
 * @param view - sort key, order and page
 * @param pageSize - entries per page
 * @returns the page
 * @example
 * ```ts
 * pageOf(folder.entries, { format: 'json', sort: 'name', order: 'asc', page: 3 }, 1000).entries.length // ≤ 1000
 * ```
 */
export function pageOf(entries: readonly FolderEntry[], view: ListingView, pageSize: number): ListingPage {
  const total = entries.length
  const pages = Math.max(1, Math.ceil(total / pageSize))
  const page = Math.min(view.page, pages)
  const start = (page - 1) * pageSize
  // Entries come in name order: the default view needs no sort.
  const sorted = view.sort === 'name' && view.order === 'asc' ? foldersFirst(entries) : sortEntries(entries, view)
  return { entries: sorted.slice(start, start + pageSize), page, pages, total }
}

/** Entries in name order with the folders moved first (the default view, without a full sort). */
function foldersFirst(entries: readonly FolderEntry[]): readonly FolderEntry[] {
  const folders: FolderEntry[] = []
  const files: FolderEntry[] = []
  for (const e of entries) (e.kind === 'folder' ? folders : files).push(e)
  return folders.length === 0 ? entries : [...folders, ...files]
}
