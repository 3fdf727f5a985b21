/**
 * The in-memory cache of entries: one Map keyed by canonical path, a byte budget with second-chance
 * eviction, and background revalidation at most once per second per entry.
 *
 * @module
 */
import type { Entry } from './entry.js'
import { createDebug } from 'tinyhttp-core'

const debug = createDebug('tinyhttp:static')

/**
 * Options of {@link FileCache}.
 *
 * @example
 * ```ts
 * new FileCache({ maxBytes: 64 << 20, intervalMs: 1000, revalidate: async entry => 'fresh' })
 * ```
 */
export interface FileCacheOptions {
  /** Byte budget (sum of entry costs). 0 keeps nothing. */
  maxBytes: number
  /**
   * Checks an entry in the background: `'fresh'` keeps it, an entry replaces it, null drops it.
   * Must not throw (a rejection drops the entry).
   */
  revalidate: (entry: Entry) => Promise<Entry | 'fresh' | null>
  /** Minimum time between two checks of one entry (ms). @defaultValue 1000 */
  intervalMs?: number
}

/**
 * Cache of {@link Entry} by canonical path.
 *
 * @remarks
 * A hit is a Map lookup, a flag write and a clock comparison: when the entry was last checked a second
 * or more ago, a revalidation starts in the background (never awaited by the hit, which is served from
 * the current entry). A changed entry is replaced atomically (one `Map.set`), and only if it is still the
 * entry that was checked.
 *
 * Eviction is second-chance ("clock"): entries sit in Map order; a hit sets `referenced`; when the budget
 * is exceeded the hand walks from the oldest, moving referenced entries to the back with the flag
 * cleared and evicting the first unreferenced one.
 *
 * @example
 * ```ts
 * const cache = new FileCache({ maxBytes: 64 << 20, revalidate: async () => 'fresh' })
 * cache.set(entry)
 * cache.get('/index.html') // entry
 * ```
 */
export class FileCache {
  readonly #map = new Map<string, Entry>()
  readonly #maxBytes: number
  readonly #revalidate: (entry: Entry) => Promise<Entry | 'fresh' | null>
  readonly #interval: number
  #bytes = 0
  #closed = false

  /** @param options - budget and revalidation */
  constructor(options: FileCacheOptions) {
    this.#maxBytes = options.maxBytes
    this.#revalidate = options.revalidate
    this.#interval = options.intervalMs ?? 1000
  }

  /** Number of entries. */
  get size(): number {
    return this.#map.size
  }

  /** Bytes charged to the budget. */
  get bytes(): number {
    return this.#bytes
  }

  /**
   * Looks an entry up, marks it used and starts a background check when one is due.
   *
   * @param key - canonical path
   * @param now - the current time in ms
   * @returns the entry, or undefined
   */
  get(key: string, now: number): Entry | undefined {
    const entry = this.#map.get(key)
    if (entry === undefined) return undefined
    entry.referenced = true
    if (now - entry.checkedAt >= this.#interval && !entry.checking) this.#check(entry, now)
    return entry
  }

  /** The entry of a key without side effects. */
  peek(key: string): Entry | undefined {
    return this.#map.get(key)
  }

  /**
   * Inserts or replaces an entry, then evicts until the budget holds.
   *
   * @param entry - the entry
   * @returns whether it was stored (false when it alone exceeds the budget or the cache is closed)
   */
  set(entry: Entry): boolean {
    if (this.#closed || entry.cost > this.#maxBytes) {
      this.delete(entry.key)
      return false
    }
    const old = this.#map.get(entry.key)
    if (old !== undefined) this.#bytes -= old.cost
    this.#map.set(entry.key, entry)
    this.#bytes += entry.cost
    while (this.#bytes > this.#maxBytes) this.#evictOne()
    return this.#map.get(entry.key) === entry
  }

  /**
   * Removes an entry.
   *
   * @param key - canonical path
   * @param only - remove only if the stored entry is this one
   */
  delete(key: string, only?: Entry): void {
    const old = this.#map.get(key)
    if (old === undefined || (only !== undefined && old !== only)) return
    this.#map.delete(key)
    this.#bytes -= old.cost
  }

  /** Drops everything and refuses new entries. */
  close(): void {
    this.#closed = true
    this.#map.clear()
    this.#bytes = 0
  }

  #evictOne(): void {
    for (const [key, entry] of this.#map) {
      if (entry.referenced) {
        entry.referenced = false
        this.#map.delete(key)
        this.#map.set(key, entry)
        continue
      }
      this.#map.delete(key)
      this.#bytes -= entry.cost
      debug('evict %s (%d bytes)', key, entry.cost)
      return
    }
  }

  #check(entry: Entry, now: number): void {
    entry.checking = true
    entry.checkedAt = now
    this.#revalidate(entry).then(
      result => {
        entry.checking = false
        entry.checkedAt = Date.now()
        if (this.#map.get(entry.key) !== entry) return
        if (result === 'fresh') return
        if (result === null) {
          debug('drop %s', entry.key)
          this.delete(entry.key, entry)
        } else {
          debug('refresh %s', entry.key)
          result.referenced = entry.referenced
          this.set(result)
        }
      },
      (err: unknown) => {
        entry.checking = false
        debug('revalidation of %s failed: %O', entry.key, err)
        this.delete(entry.key, entry)
      },
    )
  }
}
