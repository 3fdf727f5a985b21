/**
 * The allowlist middleware: default deny, exact canonical-path lookup, a table that can change at run
 * time.
 *
 * @module
 */
import { resolve } from 'node:path'
import { createDebug, type Context, type Next, type PathRejection, type ResponseReason } from 'tinyhttp-core'
import { buildTable, type BuiltTable, type Rule } from './build-table.js'
import { normalizeEntry, parseEntry } from './parse-entry.js'
import type { AllowlistHit, AllowlistMiddleware, AllowlistOptions, AllowlistReport } from './types.js'
import { TableWatcher } from './watch.js'

const debug = createDebug('tinyhttp:allowlist')

const DENY_REASON = 'deny:not-allowlisted'
const UNAVAILABLE_REASON = 'error:allowlist-unavailable'

/** `'reject:<reason>'` for every reason the canonicalizer knows: a 400 builds no string. */
const REJECT_REASON: Readonly<Record<PathRejection, ResponseReason>> = Object.freeze({
  'not-absolute': 'reject:not-absolute',
  'malformed-escape': 'reject:malformed-escape',
  'invalid-utf8': 'reject:invalid-utf8',
  'encoded-separator': 'reject:encoded-separator',
  backslash: 'reject:backslash',
  'control-character': 'reject:control-character',
  'dot-segment': 'reject:dot-segment',
  'empty-segment': 'reject:empty-segment',
  'non-ascii': 'reject:non-ascii',
  'reserved-name': 'reject:reserved-name',
  'trailing-dot-or-space': 'reject:trailing-dot-or-space',
  'forbidden-character': 'reject:forbidden-character',
})


const DOT = 0x2e

function validateOptions(entries: unknown, options: unknown): asserts options is AllowlistOptions {
  if (!Array.isArray(entries) || !entries.every(e => typeof e === 'string')) {
    throw new TypeError('allowlist: entries must be an array of strings')
  }
  if (typeof options !== 'object' || options === null) throw new TypeError('allowlist: options with a root are required')
  const o = options as Record<string, unknown>
  if (typeof o.root !== 'string' || o.root.length === 0 || o.root.includes('\0')) {
    throw new TypeError('allowlist: options.root must be a non-empty path string')
  }
  const index = o.index
  if (
    index !== undefined &&
    index !== false &&
    (typeof index !== 'string' ||
      index.length === 0 ||
      index === '.' ||
      index === '..' ||
      /[/\\\0]/.test(index))
  ) {
    throw new TypeError('allowlist: options.index must be a file name (no "/") or false')
  }
  for (const key of ['followSymlinks', 'watch'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') throw new TypeError(`allowlist: options.${key} must be a boolean`)
  }
  if (o.onDeny !== undefined && o.onDeny !== 'refuse' && o.onDeny !== 'next') {
    throw new TypeError("allowlist: options.onDeny must be 'refuse' or 'next'")
  }
}

function toList(entries: string | readonly string[]): readonly string[] {
  if (typeof entries === 'string') return [entries]
  if (Array.isArray(entries) && entries.every(e => typeof e === 'string')) return entries
  throw new TypeError('allowlist: expected an entry string or an array of entry strings')
}

/** Dot names that exact include entries spell (the only dot names whose changes matter when watching). */
function dotNamesOf(rules: readonly Rule[]): Set<string> {
  const names = new Set<string>()
  for (const { op, parsed } of rules) {
    if (op !== 'include' || (parsed.kind !== 'exact' && parsed.kind !== 'folder')) continue
    for (const seg of parsed.segments) if (seg.charCodeAt(0) === DOT) names.add(seg)
  }
  return names
}

/**
 * Creates the allowlist middleware: only the listed files (and `/`, `/dir/` for a listed index) pass;
 * everything else gets `403` with no body, before any file-system access.
 *
 * @remarks
 * The table is built at start-up (asynchronously; requests that arrive earlier wait for
 * {@link AllowlistMiddleware.ready}). Each entry is a path relative to `root` (`css/site.css`,
 * optionally starting with `/` or `./`), a folder (`docs`, `docs/`: every non-dotfile under it) or a
 * glob (`*`, `**`, `?`, `{a,b}`); every file must resolve, with `realpath`, to a regular file inside the
 * root. Dot segments are admitted only where spelled exactly (`.env`, `.well-known/acme-challenge/`),
 * never through a wildcard or brace. A request costs one `Map.get` on `ctx.req.canonicalPath.path`:
 * - canonical path not ok → `400`, `reason = 'reject:<reason>'`; except the asterisk-form of `OPTIONS *`,
 *   which names no file: `ctx.state.allowlist = null` and `next()` (`fallback()` answers it);
 * - not in the table → `403`, `reason = 'deny:not-allowlisted'`, no body, identical whether the file
 *   exists or not; with `onDeny: 'next'`, `ctx.state.allowlist = null` and `next()` instead, so the
 *   app's own routes placed after it can answer (static then serves nothing for that path);
 * - in the table → `ctx.state.allowlist` = an {@link AllowlistHit}, then `next()`. The hit is the
 *   table's resolution of the path: `serveStatic` with the same root serves its `file` instead of
 *   resolving the path again (docs/PLUGIN-CONTRACT.md, "One path, one file").
 *
 * For a listed `dir/index.html`, `/dir/` maps to it and `/dir` passes too (with `kind: 'directory'`)
 * so that static can answer the redirect to `/dir/`.
 *
 * @param entries - paths relative to the root, or globs
 * @param options - root (required), index name, symlink policy, watching
 * @returns the middleware, with `ready`, `report`, `add`, `remove`, `replace`, `reload` and `close`
 * @throws TypeError for a bad configuration (the root's existence is checked by the build: `ready`
 *   rejects and requests get 500)
 * @example
 * ```ts
 * import { createApp } from 'tinyhttp-core'
 * import { allowlist } from 'tinyhttp-allowlist'
 *
 * const app = createApp()
 * const list = allowlist(['index.html', 'style.css', 'assets/**\/*.png'], { root: './public' })
 * app.use(list)
 * const report = await list.ready
 * console.log(`${report.allowed.length} files public`, report.rejected, report.unmatched)
 * ```
 */
export function allowlist(entries: readonly string[], options: AllowlistOptions): AllowlistMiddleware {
  validateOptions(entries, options)
  // Resolved once, so a later process.chdir() cannot move the root under a running server.
  const root = resolve(options.root)
  const index = options.index === undefined ? 'index.html' : options.index
  const followSymlinks = options.followSymlinks === true
  const watching = options.watch === true
  const passOn = options.onDeny === 'next'

  /**
   * The rules by normalized entry, in order (re-setting an entry moves it to the end: later rules win).
   * Builds work on an array snapshot, so changing this never affects a build in progress.
   */
  const rules = new Map<string, Rule>()
  const setRule = (rule: Rule): void => {
    rules.delete(rule.parsed.entry)
    rules.set(rule.parsed.entry, rule)
  }
  for (const entry of entries) setRule({ op: 'include', parsed: parseEntry(entry) })

  /** The live table: replaced as a whole, never mutated. Null until the first build succeeds. */
  let table: ReadonlyMap<string, AllowlistHit> | null = null
  let report: AllowlistReport | null = null
  /** Builds run one at a time, in call order. */
  let queue: Promise<unknown> = Promise.resolve()
  let watchReloadQueued = false
  let closed = false
  const watcher = watching ? new TableWatcher(scheduleWatchReload, dotNamesOf([...rules.values()])) : null

  function swap(built: BuiltTable): AllowlistReport {
    table = built.table
    report = built.report
    if (watcher !== null && !closed) watcher.sync(built.rootReal, built.dirs)
    return built.report
  }

  /** Queues a build of the rules as they are now: each call's report reflects the changes made so far. */
  function rebuild(): Promise<AllowlistReport> {
    const snapshot = [...rules.values()]
    const run = async (): Promise<AllowlistReport> => {
      watcher?.setWantedDotNames(dotNamesOf(snapshot))
      return swap(await buildTable(snapshot, { root, index, followSymlinks }))
    }
    const p = queue.then(run, run)
    queue = p.catch(() => undefined)
    return p
  }

  function scheduleWatchReload(): void {
    if (closed || watchReloadQueued) return
    watchReloadQueued = true
    const run = async (): Promise<void> => {
      watchReloadQueued = false
      if (closed) return
      try {
        swap(await buildTable([...rules.values()], { root, index, followSymlinks }))
        debug('reloaded after a file-system change')
      } catch (err) {
        debug('reload after a file-system change failed, keeping the previous table: %O', err)
      }
    }
    queue = queue.then(run, run)
  }

  const ready = rebuild()
  ready.catch((err: unknown) => debug('initial build failed; requests get 500 until a reload succeeds: %O', err))

  /** Looks a path up in a table: 403 when it is not there, else the rest of the chain. */
  function decide(ctx: Context, next: Next, t: ReadonlyMap<string, AllowlistHit>, path: string): void | Promise<void> {
    const hit = t.get(path)
    if (hit === undefined) {
      if (passOn) {
        // Not ours: the routes below may answer it, but static must not serve a file for it.
        ctx.state.allowlist = null
        return next()
      }
      ctx.res.status = 403
      ctx.res.reason = DENY_REASON
      return
    }
    ctx.state.allowlist = hit
    return next()
  }

  /** A request that arrived before the first table: wait for it (500 when it failed). */
  async function late(ctx: Context, next: Next, path: string): Promise<void> {
    try {
      await ready
    } catch {
      // handled below
    }
    const t = table
    if (t === null) {
      if (passOn) {
        // No table, so nothing is admitted; the app's own routes still answer.
        ctx.state.allowlist = null
        return next()
      }
      ctx.res.status = 500
      ctx.res.reason = UNAVAILABLE_REASON
      return
    }
    return decide(ctx, next, t, path)
  }

  const middleware = function allowlist(ctx: Context, next: Next): void | Promise<void> {
    const cp = ctx.req.canonicalPath
    if (!cp.ok) {
      if (ctx.req.rawPath === '*') {
        // The asterisk-form of `OPTIONS *` asks about the server, not a file: nothing to allow or refuse
        // (static serves nothing for it); what answers below decides (`fallback()`: 204 + `Allow`).
        ctx.state.allowlist = null
        return next()
      }
      ctx.res.status = 400
      ctx.res.reason = REJECT_REASON[cp.reason] ?? `reject:${cp.reason}`
      return
    }
    const t = table
    return t === null ? late(ctx, next, cp.path) : decide(ctx, next, t, cp.path)
  }

  const controls = {
    add(more: string | readonly string[]): Promise<AllowlistReport> {
      let list: readonly string[]
      try {
        list = toList(more)
      } catch (err) {
        return Promise.reject(err)
      }
      for (const entry of list) setRule({ op: 'include', parsed: parseEntry(entry) })
      debug('add %o', list)
      return rebuild()
    },
    remove(less: string | readonly string[]): Promise<AllowlistReport> {
      let list: readonly string[]
      try {
        list = toList(less)
      } catch (err) {
        return Promise.reject(err)
      }
      for (const entry of list) {
        const parsed = parseEntry(entry, true)
        if (parsed.kind === 'invalid') {
          // Drops an invalid entry from the list (and its report line); excludes nothing.
          rules.delete(normalizeEntry(entry))
          debug('remove: %s is not a valid entry (%s): nothing to exclude', entry, parsed.reason)
          continue
        }
        setRule({ op: 'exclude', parsed })
      }
      debug('remove %o', list)
      return rebuild()
    },
    replace(entries: string | readonly string[]): Promise<AllowlistReport> {
      let list: readonly string[]
      try {
        list = toList(entries)
      } catch (err) {
        return Promise.reject(err)
      }
      // The new entries in their order, then the exclusions made by remove() (still the last word),
      // except those the new list names again: one rebuild, one swap.
      const excluded = [...rules.values()].filter(rule => rule.op === 'exclude')
      rules.clear()
      for (const entry of list) setRule({ op: 'include', parsed: parseEntry(entry) })
      for (const rule of excluded) if (!rules.has(rule.parsed.entry)) rules.set(rule.parsed.entry, rule)
      debug('replace %o', list)
      return rebuild()
    },
    reload(): Promise<AllowlistReport> {
      return rebuild()
    },
    close(): void {
      closed = true
      watcher?.close()
    },
  }

  Object.defineProperties(middleware, {
    ready: { value: ready, enumerable: true },
    report: { get: (): AllowlistReport => report ?? { allowed: [], rejected: [], unmatched: [], folders: [] }, enumerable: true },
    add: { value: controls.add, enumerable: true },
    remove: { value: controls.remove, enumerable: true },
    replace: { value: controls.replace, enumerable: true },
    reload: { value: controls.reload, enumerable: true },
    close: { value: controls.close, enumerable: true },
  })
  return middleware as unknown as AllowlistMiddleware
}
