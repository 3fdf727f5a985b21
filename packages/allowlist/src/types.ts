import type { AdmittedFile, Middleware } from 'tinyhttp-core'

/**
 * Options of {@link allowlist}.
 *
 * @example
 * ```ts
 * const options: AllowlistOptions = { root: './public', index: 'index.html', watch: true }
 * app.use(allowlist(['index.html', 'assets/**\/*.css'], options))
 * ```
 */
export interface AllowlistOptions {
  /** Folder the entries are relative to (required). Resolved with `realpath` when the table is built. */
  root: string
  /**
   * File that `/` and `/dir/` map to, only when that file is listed. `false` disables the mapping.
   * @defaultValue `'index.html'`
   */
  index?: string | false
  /**
   * Allow entries whose `realpath` leaves the root (a symlink to a file elsewhere); globs then also
   * descend into symlinked directories (each real directory once). `serveStatic` with the same root
   * serves such a file (it takes the table's resolution, see {@link AllowlistHit}), whatever its own
   * `followSymlinks`.
   * @defaultValue false
   */
  followSymlinks?: boolean
  /**
   * Follow the file system: reload the table (debounced, ~50 ms) when something changes under the
   * watched directories. The watchers never keep the process alive; {@link AllowlistMiddleware.close}
   * stops them.
   * @defaultValue false
   */
  watch?: boolean
  /**
   * What happens to a request for a path that is not on the list (a canonical path core refuses always
   * gets `400`):
   * - `'refuse'`: `403` with `reason = 'deny:not-allowlisted'` and no body; nothing after the allowlist
   *   runs;
   * - `'next'`: `ctx.state.allowlist = null` and the chain goes on, so routes placed after the allowlist
   *   can answer. `serveStatic` serves nothing when it sees `null` (it calls `next()`), so an unlisted
   *   file is still never served; what nobody answers gets the fallback's not-found answer.
   * @defaultValue 'refuse'
   */
  onDeny?: 'refuse' | 'next'
}

/**
 * One file of the table, as listed in {@link AllowlistReport.allowed}.
 *
 * @example
 * ```ts
 * const f: AllowedFile = { urlPath: '/style.css', file: '/srv/www/style.css', size: 1234, mtimeMs: 1767225600000 }
 * ```
 */
export interface AllowedFile {
  /** Canonical decoded URL path (`/assets/café.css`), exactly what `ctx.req.canonicalPath.path` must be. */
  urlPath: string
  /** Real path of the file on disk (symlinks resolved). */
  file: string
  /** Size in bytes when the table was built. */
  size: number
  /** Modification time when the table was built. */
  mtimeMs: number
}

/**
 * An entry (or a file a glob found) that was refused, with the reason.
 *
 * @remarks
 * Reasons: `invalid-entry` (syntax: `..`, `.` or empty segments, backslash, NUL, …), `canonical:<reason>`
 * (the URL path would be refused by core's `canonicalizePath`, e.g. `canonical:forbidden-character` for
 * `a:b.txt`), `dotfile-via-glob` (a glob that names a dot segment), `outside-root` (the file resolves
 * outside the root), `symlink-outside-root` (an entry that is, or goes through, a symlink leaving the
 * root), `not-a-regular-file` (a socket, FIFO, …), `not-a-directory` (a folder entry `x/` naming a
 * file), `not-found` (a dangling symlink, or a file that vanished during the build), `walk-limit` (a glob walk hit its depth or file-count bound).
 * For a file found by a glob, `entry` is the file's path relative to the root.
 *
 * @example
 * ```ts
 * const r: RejectedEntry = { entry: 'link-to-etc-passwd.txt', reason: 'symlink-outside-root' }
 * ```
 */
export interface RejectedEntry {
  /** The entry as given (normalized: no leading `/` or `./`), or the relative path of a file a glob found. */
  entry: string
  /** Why it was refused. */
  reason: string
}

/**
 * What a table build produced: the files served, what was refused and why, and the entries that
 * matched nothing.
 *
 * @example
 * ```ts
 * const report = await mw.ready
 * for (const f of report.allowed) console.log(f.urlPath, f.size)
 * for (const r of report.rejected) console.warn(`refused ${r.entry}: ${r.reason}`)
 * for (const e of report.unmatched) console.warn(`matched nothing: ${e}`)
 * ```
 */
export interface AllowlistReport {
  /** The files served, sorted by `urlPath` (code-unit order). */
  allowed: AllowedFile[]
  /** Refused entries and files, with reasons. */
  rejected: RejectedEntry[]
  /** Entries and globs that matched no file (normalized spelling). */
  unmatched: string[]
  /**
   * Entries that name a folder (`docs`, `docs/`, normalized spelling), served as every non-dotfile
   * under it (`docs/**`), sorted.
   */
  folders: string[]
}

/**
 * What the middleware puts in `ctx.state.allowlist` on a hit: the allowlist's resolution of the
 * request's canonical path (one shared frozen object per table key, so a hit allocates nothing). The
 * contract, including when a reader must ignore it, is in `docs/PLUGIN-CONTRACT.md` ("One path, one
 * file").
 *
 * @remarks
 * Written by {@link allowlist} only, for the request whose canonical path is `urlPath`; `null` there
 * means "an allowlist ran and admitted nothing" (`onDeny: 'next'`), `undefined` "no allowlist ran".
 * Readers (`serveStatic` from tinyhttp-static, or any middleware that serves files from disk):
 * - take the resolution (serve `file`, without resolving the path again) only when `kind` is `'file'`,
 *   `urlPath` is the request's canonical path and `root` is the real path of their own root; a hit for
 *   another root, or of kind `'index'` / `'directory'`, is a permission, not a resolution: they resolve
 *   the path themselves;
 * - check that `file` is still a regular file at that real path before each load, and re-`stat` it on
 *   their own schedule: `size` and `mtimeMs` describe the file when the table was built and may be
 *   stale (they are never validators).
 * The type itself is tinyhttp-core's `AdmittedFile`, which tinyhttp-static reads too.
 *
 * @example
 * ```ts
 * app.use(ctx => {
 *   const hit = ctx.state.allowlist as AllowlistHit
 *   if (hit.kind === 'directory') { ctx.res.status = 301; ctx.res.headers.set('Location', encodePath(hit.urlPath + '/')) }
 * })
 * ```
 */
export type AllowlistHit = AdmittedFile

/**
 * The middleware returned by {@link allowlist}, with its table controls.
 *
 * @example
 * ```ts
 * const list = allowlist(['index.html'], { root: './public' })
 * app.use(list)
 * console.log((await list.ready).allowed.length, 'files')
 * await list.add('about.html')
 * await list.remove('index.html')
 * await list.replace(['index.html', 'about.html'])
 * list.close()
 * ```
 */
export interface AllowlistMiddleware extends Middleware {
  /** Resolves with the first table's report (requests wait for it); rejects when the root is unusable. */
  readonly ready: Promise<AllowlistReport>
  /** The report of the table currently in use (empty before `ready`). */
  readonly report: AllowlistReport
  /**
   * Lists more entries (or re-lists entries a previous {@link AllowlistMiddleware.remove} excluded), then
   * rebuilds and swaps the table.
   */
  add(entries: string | readonly string[]): Promise<AllowlistReport>
  /**
   * Stops serving what the entries name: each entry is dropped from the list, and the files it matches
   * are excluded from the table (also when another entry or glob matches them) until a later `add`.
   */
  remove(entries: string | readonly string[]): Promise<AllowlistReport>
  /**
   * Replaces the listed entries with these (a reload of the configuration), then rebuilds and swaps the
   * table once: a request sees the old list or the new one, never a mix. Exclusions made by
   * {@link AllowlistMiddleware.remove} stay, unless the new list names the same entry. When the build
   * fails (the root is gone), the old table stays in force and rejects with the reason.
   */
  replace(entries: string | readonly string[]): Promise<AllowlistReport>
  /** Rebuilds the table from the file system and swaps it in. */
  reload(): Promise<AllowlistReport>
  /** Stops watching (no-op without `watch`). Idempotent. */
  close(): void
}
