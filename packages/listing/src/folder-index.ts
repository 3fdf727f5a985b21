/**
 * The folders of a table: every served file's path cut into folders, each with its direct entries. Built
 * once per table (never per request, never from the disk).
 *
 * @module
 */
import { createHash } from 'node:crypto'
import type { ListedFile } from './types.js'

/**
 * One entry of a folder: a served file, or a sub-folder that holds at least one served file.
 *
 * @example
 * ```ts
 * const e: FolderEntry = { name: 'guide.pdf', kind: 'file', size: 48213, mtimeMs: 1767225600000 }
 * ```
 */
export interface FolderEntry {
  /** The name (one decoded path segment). */
  readonly name: string
  /** A served file, or a folder with something served below it. */
  readonly kind: 'file' | 'folder'
  /** Bytes for a file; for a folder, the total of the served files below it. */
  readonly size: number
  /** For a file its modification time; for a folder the newest one below it (ms since the epoch). */
  readonly mtimeMs: number
}

/**
 * A folder of the table.
 *
 * @example
 * ```ts
 * const docs = buildFolderIndex(report.allowed, 'index.html').get('/docs/')
 * docs?.entries.map(e => e.name) // ['guide.pdf', 'img']
 * ```
 */
export class Folder {
  /** Its canonical path with the trailing slash (`/`, `/docs/`). */
  readonly path: string
  /** The entries, sorted by name (code-unit order), each name once. */
  readonly entries: readonly FolderEntry[]
  /** Whether the folder holds a served index file (then it is not listed). */
  readonly hasIndex: boolean
  #digest: string | undefined

  /**
   * @param path - the folder's canonical path (trailing `/`)
   * @param entries - its entries, sorted by name
   * @param hasIndex - whether it holds the served index file
   */
  constructor(path: string, entries: readonly FolderEntry[], hasIndex: boolean) {
    this.path = path
    this.entries = entries
    this.hasIndex = hasIndex
  }

  /**
   * A digest of the entry set (names, kinds, sizes, times; base64url SHA-256), computed the first time it
   * is asked for: it changes exactly when an entry is added, removed or changes size or time.
   *
   * @returns 43 base64url characters
   */
  get digest(): string {
    if (this.#digest === undefined) {
      const hash = createHash('sha256').update(this.path).update('\0')
      for (const e of this.entries) hash.update(`${e.kind}\0${e.name}\0${e.size}\0${e.mtimeMs}\n`)
      this.#digest = hash.digest('base64url')
    }
    return this.#digest
  }
}

interface Draft {
  readonly files: Map<string, { size: number; mtimeMs: number }>
  readonly folders: Map<string, { size: number; mtimeMs: number }>
}

function byName(a: FolderEntry, b: FolderEntry): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}

/**
 * Builds the folders of a list of served files: `/a/b/c.txt` puts file `c.txt` in `/a/b/`, folder `b` in
 * `/a/` and folder `a` in `/`. A folder exists only if a served file lies below it, so an empty folder,
 * or one whose files are all denied, never appears.
 *
 * @param files - the served files (canonical URL paths)
 * @param index - the index file name, or false
 * @returns folder path (`/`, `/docs/`) → folder
 * @example
 * ```ts
 * const folders = buildFolderIndex([{ urlPath: '/docs/a.txt', size: 1, mtimeMs: 0 }], 'index.html')
 * [...folders.keys()] // ['/', '/docs/']
 * ```
 */
export function buildFolderIndex(files: readonly ListedFile[], index: string | false): Map<string, Folder> {
  const drafts = new Map<string, Draft>()
  const draftOf = (path: string): Draft => {
    let d = drafts.get(path)
    if (d === undefined) drafts.set(path, (d = { files: new Map(), folders: new Map() }))
    return d
  }
  for (const f of files) {
    const segments = f.urlPath.split('/')
    // '/a/b/c.txt' → ['', 'a', 'b', 'c.txt']: a path ending in '/' or with an empty segment is not a file.
    if (segments.length < 2 || segments[0] !== '' || segments.some((s, i) => i > 0 && s === '')) continue
    let folder = '/'
    for (let i = 1; i < segments.length - 1; i++) {
      const name = segments[i]!
      const entry = draftOf(folder).folders.get(name)
      if (entry === undefined) draftOf(folder).folders.set(name, { size: f.size, mtimeMs: f.mtimeMs })
      else {
        entry.size += f.size
        if (f.mtimeMs > entry.mtimeMs) entry.mtimeMs = f.mtimeMs
      }
      folder += name + '/'
    }
    draftOf(folder).files.set(segments[segments.length - 1]!, { size: f.size, mtimeMs: f.mtimeMs })
  }
  const out = new Map<string, Folder>()
  for (const [path, d] of drafts) {
    const entries: FolderEntry[] = []
    for (const [name, v] of d.folders) entries.push(Object.freeze({ name, kind: 'folder', size: v.size, mtimeMs: v.mtimeMs }))
    // A name that is both (impossible on one disk) stays a folder.
    for (const [name, v] of d.files) if (!d.folders.has(name)) entries.push(Object.freeze({ name, kind: 'file', size: v.size, mtimeMs: v.mtimeMs }))
    entries.sort(byName)
    out.set(path, new Folder(path, Object.freeze(entries), index !== false && d.files.has(index)))
  }
  return out
}
