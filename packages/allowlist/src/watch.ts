/**
 * File-system watching for `watch: true`: debounced change notifications that never keep the process
 * alive.
 *
 * @module
 */
import { watch, type FSWatcher } from 'node:fs'
import { createDebug } from 'tinyhttp-core'

const debug = createDebug('tinyhttp:allowlist')

/**
 * Quiet time after the last event before the change callback runs.
 *
 * @example
 * ```ts
 * await new Promise(resolve => setTimeout(resolve, DEBOUNCE_MS * 4)) // long enough for a reload to start
 * ```
 */
export const DEBOUNCE_MS = 50
/**
 * Most per-directory watchers (inotify limits are per user).
 *
 * @example
 * ```ts
 * if (watcher.size >= MAX_WATCHERS) console.warn('some directories are not watched')
 * ```
 */
export const MAX_WATCHERS = 8192

const DOT = 0x2e

/**
 * Whether the platform's `fs.watch` has a native recursive mode (FSEvents on macOS,
 * ReadDirectoryChangesW on Windows). Node 20 emulates it on Linux by walking the whole tree, dot
 * directories included, so there we watch the directories the build read instead.
 */
const NATIVE_RECURSIVE = process.platform === 'darwin' || process.platform === 'win32'

/**
 * Watches the directories a table build read and calls back (debounced) when something changes.
 *
 * @example
 * ```ts
 * const w = new TableWatcher(() => void list.reload(), new Set(['.well-known']))
 * w.sync(built.rootReal, built.dirs)
 * w.close()
 * ```
 */
export class TableWatcher {
  readonly #onChange: () => void
  #wantedDotNames: ReadonlySet<string>
  readonly #watchers = new Map<string, FSWatcher>()
  #timer: NodeJS.Timeout | undefined
  #closed = false

  /**
   * @param onChange - called once per burst of events, ~50 ms after the last one
   * @param wantedDotNames - dot names (`.well-known`, `.env`) that exact entries mention: events on other
   *   dot names (editor swap files, `.git`) are ignored
   */
  constructor(onChange: () => void, wantedDotNames: ReadonlySet<string>) {
    this.#onChange = onChange
    this.#wantedDotNames = wantedDotNames
  }

  /** Number of open watchers. */
  get size(): number {
    return this.#watchers.size
  }

  /**
   * Updates the dot names events are filtered with.
   *
   * @param names - dot names exact entries mention
   */
  setWantedDotNames(names: ReadonlySet<string>): void {
    this.#wantedDotNames = names
  }

  /**
   * Makes the watchers match a build: one recursive watcher on the root where that is native, else one
   * watcher per directory the build read (new ones opened, vanished ones closed).
   *
   * @param rootReal - real path of the root
   * @param dirs - absolute directories the build read
   */
  sync(rootReal: string, dirs: readonly string[]): void {
    if (this.#closed) return
    const wanted = NATIVE_RECURSIVE ? [rootReal] : dirs
    const keep = new Set(wanted)
    for (const [dir, w] of this.#watchers) {
      if (!keep.has(dir)) {
        w.close()
        this.#watchers.delete(dir)
      }
    }
    for (const dir of wanted) {
      if (this.#watchers.has(dir)) continue
      if (this.#watchers.size >= MAX_WATCHERS) {
        debug('watch: more than %d directories, the rest are not watched', MAX_WATCHERS)
        break
      }
      this.#open(dir, NATIVE_RECURSIVE)
    }
  }

  #open(dir: string, recursive: boolean): void {
    let w: FSWatcher
    try {
      w = watch(dir, { persistent: false, recursive }, (_event, filename) => this.#event(filename))
    } catch (err) {
      debug('watch: cannot watch %s: %O', dir, err)
      return
    }
    w.unref()
    w.on('error', err => {
      debug('watch: watcher error on %s: %O', dir, err)
      w.close()
      if (this.#watchers.get(dir) === w) this.#watchers.delete(dir)
      this.#schedule()
    })
    this.#watchers.set(dir, w)
    debug('watching %s%s', dir, recursive ? ' (recursive)' : '')
  }

  #event(filename: string | Buffer | null): void {
    if (this.#closed) return
    if (filename !== null) {
      const name = typeof filename === 'string' ? filename : filename.toString('utf8')
      for (const seg of name.split(/[\\/]/)) {
        if (seg.charCodeAt(0) === DOT && !this.#wantedDotNames.has(seg)) return
      }
    }
    this.#schedule()
  }

  #schedule(): void {
    if (this.#closed) return
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      if (!this.#closed) this.#onChange()
    }, DEBOUNCE_MS)
    this.#timer.unref()
  }

  /** Stops every watcher and the pending callback. Idempotent. */
  close(): void {
    this.#closed = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    for (const w of this.#watchers.values()) w.close()
    this.#watchers.clear()
  }
}
