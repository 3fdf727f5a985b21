/**
 * The file watcher of `--dev`: which served files changed, one batch per burst of writes.
 *
 * @module
 */
import { readdirSync, watch, type FSWatcher } from 'node:fs'
import { dirname, join, relative, isAbsolute } from 'node:path'
import { createDebug } from 'tinyhttp-core'

const debug = createDebug('tinyhttp:cli')

/**
 * A file served now: its URL path and its real path on disk (as the allowlist's table has them).
 *
 * @example `const f: ServedFile = { urlPath: '/style.css', file: '/srv/site/style.css' }`
 */
export interface ServedFile {
  readonly urlPath: string
  readonly file: string
}

/**
 * Where the watcher learns what is served: the table in use, and a rebuild that reflects the disk now.
 *
 * @example
 * ```ts
 * const source: ServedSource = { root, current: () => allow.report.allowed, refresh: async () => (await allow.reload()).allowed }
 * ```
 */
export interface ServedSource {
  /** The root folder (real path): its folders are watched so that new files are seen. */
  readonly root: string
  /** The files served now. */
  current(): readonly ServedFile[]
  /** Rebuilds the table from the disk and returns its files (rejects: the current table is kept). */
  refresh(): Promise<readonly ServedFile[]>
}

/**
 * One message's worth of changes.
 *
 * @example
 * ```ts
 * const b: ChangeBatch = { paths: ['/style.css'], css: true }
 * ```
 */
export interface ChangeBatch {
  /** URL paths of the served files written, created or removed, sorted. */
  paths: string[]
  /** Every one of them is a stylesheet (`.css`): the page can swap its styles instead of reloading. */
  css: boolean
}

/**
 * Timing of {@link ServedFileWatcher}.
 *
 * @example
 * ```ts
 * const t: WatchTiming = { quietMs: 100, maxWaitMs: 1500 }
 * ```
 */
export interface WatchTiming {
  /**
   * Quiet time after the last event before a batch is sent. 100 ms: an editor's atomic save (write a
   * temporary file, rename it over the original) or a build's burst of writes comes well within it.
   * @defaultValue 100
   */
  quietMs?: number
  /** Longest a batch waits under a steady stream of events (a build that keeps writing). @defaultValue 1500 */
  maxWaitMs?: number
}

/**
 * Most folders watched (inotify watches are a per-user limit).
 *
 * @example `foldersUnder(root, MAX_WATCHED_FOLDERS)`
 */
export const MAX_WATCHED_FOLDERS = 4096

/**
 * The root and its folders, breadth first, skipping dot folders (`.git`) and symlinks, at most `limit`.
 *
 * @param root - the root (real path)
 * @param limit - most folders returned
 * @returns absolute folder paths, the root first
 * @example
 * ```ts
 * foldersUnder('/srv/site', 4096) // ['/srv/site', '/srv/site/assets', …]
 * ```
 */
export function foldersUnder(root: string, limit: number): string[] {
  const out = [root]
  for (let i = 0; i < out.length && out.length < limit; i++) {
    let entries
    try {
      entries = readdirSync(out[i] as string, { withFileTypes: true })
    } catch {
      continue
    }
    for (const e of entries) {
      if (out.length >= limit) break
      if (e.isDirectory() && !e.name.startsWith('.')) out.push(join(out[i] as string, e.name))
    }
  }
  return out
}

function isInside(root: string, file: string): boolean {
  const rel = relative(root, file)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/**
 * Watches the root's folders (dot folders left out; {@link MAX_WATCHED_FOLDERS} at most) and those of
 * served files outside it (symlinks), and reports, once per burst of events, which **served** files changed: a file whose path is in
 * the table before the burst or after it (a rebuild of the table runs first, so a file created or removed
 * counts, and a file the allowlist does not serve never does: editor swap files, `.git`, a file outside
 * the allowlist). Events are debounced: a batch leaves {@link WatchTiming.quietMs} after the last event,
 * or {@link WatchTiming.maxWaitMs} after the first one at the latest; one batch is built at a time
 * (events meanwhile go into the next). Watchers never keep the process alive.
 *
 * @example
 * ```ts
 * const watcher = new ServedFileWatcher(source, batch => broadcast(clients, JSON.stringify({ type: 'change', ...batch })))
 * watcher.start()
 * // later
 * watcher.close()
 * ```
 */
export class ServedFileWatcher {
  readonly #source: ServedSource
  readonly #onBatch: (batch: ChangeBatch) => void
  readonly #quietMs: number
  readonly #maxWaitMs: number
  readonly #watchers = new Map<string, FSWatcher>()
  /** Real path → URL path of the table the last batch was computed against. */
  #served = new Map<string, string>()
  #pending = new Set<string>()
  /** An event without a file name: anything may have changed. */
  #unknown = false
  #quietTimer: NodeJS.Timeout | undefined
  #maxTimer: NodeJS.Timeout | undefined
  #flushing = false
  #closed = false

  /**
   * @param source - the table and its rebuild
   * @param onBatch - called once per burst that touched served files
   * @param timing - debounce windows
   */
  constructor(source: ServedSource, onBatch: (batch: ChangeBatch) => void, timing: WatchTiming = {}) {
    this.#source = source
    this.#onBatch = onBatch
    this.#quietMs = timing.quietMs ?? 100
    this.#maxWaitMs = timing.maxWaitMs ?? 1500
  }

  /** Number of folders watched. */
  get folders(): number {
    return this.#watchers.size
  }

  /** Reads the current table and starts watching its folders. */
  start(): void {
    this.#served = this.#mapOf(this.#source.current())
    this.#sync()
  }

  #mapOf(files: readonly ServedFile[]): Map<string, string> {
    return new Map(files.map(f => [f.file, f.urlPath]))
  }

  /**
   * Watches every folder of the root (a file may appear in any, and an allow entry may name a folder
   * that is empty now) and the folder of each served file outside the root; closes the others.
   */
  #sync(): void {
    if (this.#closed) return
    const root = this.#source.root
    const wanted = new Set<string>(foldersUnder(root, MAX_WATCHED_FOLDERS))
    for (const file of this.#served.keys()) {
      const dir = dirname(file)
      if (!isInside(root, dir) && wanted.size < MAX_WATCHED_FOLDERS) wanted.add(dir)
    }
    for (const [dir, w] of this.#watchers) {
      if (!wanted.has(dir)) {
        w.close()
        this.#watchers.delete(dir)
      }
    }
    for (const dir of wanted) if (!this.#watchers.has(dir)) this.#open(dir)
  }

  #open(dir: string): void {
    let w: FSWatcher
    try {
      w = watch(dir, { persistent: false }, (_event, name) => this.#event(dir, name))
    } catch (err) {
      debug('dev: cannot watch %s: %O', dir, err)
      return
    }
    w.on('error', err => {
      debug('dev: watcher error on %s: %O', dir, err)
      w.close()
      if (this.#watchers.get(dir) === w) this.#watchers.delete(dir)
      this.#unknown = true
      this.#schedule()
    })
    this.#watchers.set(dir, w)
  }

  #event(dir: string, name: string | Buffer | null): void {
    if (this.#closed) return
    if (name === null) this.#unknown = true
    else this.#pending.add(join(dir, typeof name === 'string' ? name : name.toString('utf8')))
    this.#schedule()
  }

  #schedule(): void {
    if (this.#closed || this.#flushing) return
    if (this.#quietTimer !== undefined) clearTimeout(this.#quietTimer)
    this.#quietTimer = setTimeout(() => void this.#flush(), this.#quietMs)
    this.#quietTimer.unref()
    if (this.#maxTimer === undefined) {
      this.#maxTimer = setTimeout(() => void this.#flush(), this.#maxWaitMs)
      this.#maxTimer.unref()
    }
  }

  #clearTimers(): void {
    if (this.#quietTimer !== undefined) clearTimeout(this.#quietTimer)
    if (this.#maxTimer !== undefined) clearTimeout(this.#maxTimer)
    this.#quietTimer = undefined
    this.#maxTimer = undefined
  }

  async #flush(): Promise<void> {
    this.#clearTimers()
    if (this.#closed || this.#flushing) return
    this.#flushing = true
    const pending = this.#pending
    const unknown = this.#unknown
    this.#pending = new Set()
    this.#unknown = false
    try {
      let files: readonly ServedFile[]
      try {
        files = await this.#source.refresh()
      } catch (err) {
        debug('dev: table rebuild failed, using the current one: %O', err)
        files = this.#source.current()
      }
      if (this.#closed) return
      const before = this.#served
      const after = this.#mapOf(files)
      const changed = new Set<string>()
      for (const file of pending) {
        const url = before.get(file) ?? after.get(file)
        if (url !== undefined) changed.add(url)
      }
      for (const [file, url] of after) if (!before.has(file)) changed.add(url)
      for (const [file, url] of before) if (!after.has(file)) changed.add(url)
      this.#served = after
      this.#sync()
      if (changed.size > 0 || (unknown && pending.size === 0)) {
        const paths = [...changed].sort()
        this.#onBatch({ paths, css: paths.length > 0 && paths.every(p => p.toLowerCase().endsWith('.css')) })
      }
    } finally {
      this.#flushing = false
      if (!this.#closed && (this.#pending.size > 0 || this.#unknown)) this.#schedule()
    }
  }

  /** Stops every watcher and drops what is pending. Idempotent. */
  close(): void {
    this.#closed = true
    this.#clearTimers()
    for (const w of this.#watchers.values()) w.close()
    this.#watchers.clear()
    this.#pending.clear()
  }
}
