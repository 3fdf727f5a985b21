/**
 * The contract between a gate that resolves files (tinyhttp-allowlist) and the middleware that serves
 * them (tinyhttp-static): what the gate leaves in `ctx.state.allowlist`. Rule 7 of
 * `docs/PLUGIN-CONTRACT.md` ("One path, one file") says who writes it, who reads it and when a reader
 * must ignore it. It lives in the core because both plugins depend on the core and on nothing else.
 *
 * @module
 */

/**
 * One path a gate admitted, with its resolution: the real file behind the request's canonical path.
 * tinyhttp-allowlist writes it (as `AllowlistHit`, one shared frozen object per table key); static
 * serves `file` without resolving the path again when `kind` is `'file'`, `urlPath` is the request's
 * canonical path and `root` is the real path of its own root.
 *
 * @example
 * ```ts
 * const hit: AdmittedFile = { urlPath: '/a.txt', file: '/srv/www/a.txt', root: '/srv/www', size: 3, mtimeMs: 0, kind: 'file' }
 * ```
 */
export interface AdmittedFile {
  /** The table key that matched: the request's canonical path (`/`, `/docs/`, `/docs`, `/a.txt`). */
  readonly urlPath: string
  /** Real path of the file behind it (symlinks resolved; for `/dir/` and `/dir`: the listed index file). */
  readonly file: string
  /**
   * Real path of the root the gate resolved `file` in: a reader serving from another root must not take
   * `file` as its resolution.
   */
  readonly root: string
  /** Size in bytes when the gate resolved it (a snapshot: the file may have changed since; never a validator). */
  readonly size: number
  /** Modification time when the gate resolved it (a snapshot, like `size`). */
  readonly mtimeMs: number
  /**
   * `'file'`: a listed file; `'index'`: `/` or `/dir/` mapped to its listed index file; `'directory'`:
   * `/dir` without the slash, let through only so that static can answer the redirect to `/dir/`.
   */
  readonly kind: 'file' | 'index' | 'directory'
}

/**
 * What `ctx.state.allowlist` holds: `undefined` when no gate ran for this request, `null` when a gate
 * ran and admitted nothing (it let the chain go on), else the {@link AdmittedFile}.
 *
 * @example
 * ```ts
 * const decision = ctx.state.allowlist as AdmissionDecision
 * if (decision === null) return next() // refused by the gate: serve nothing
 * ```
 */
export type AdmissionDecision = undefined | null | AdmittedFile
