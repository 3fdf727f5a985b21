/**
 * The in-memory cache of entries: one Map keyed by canonical path, a byte budget with second-chance
 * eviction, and revalidation at most once per second per entry, one check in flight per entry.
 *
 * @module
 */
import type { CacheEntry } from './cache-entry.js'
import { createDebug } from 'tinyhttp-core'
import { shedMade } from './runtime-variants.js'

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
   * Checks an entry: `'fresh'` keeps it, an entry replaces it, null drops it. A rejection drops the
   * entry too.
   */
  revalidate: (entry: CacheEntry) => Promise<CacheEntry | 'fresh' | null>
  /** Minimum time between two checks of one entry (ms). @defaultValue 1000 */
  intervalMs?: number
}

/**
 * Cache of {@link CacheEntry} by canonical path.
 *
 * @remarks
 * A hit is a Map lookup, a flag write and a clock comparison: when the entry was last checked a second
 * or more ago, a revalidation starts and `entry.checking` is set until it settles. {@link FileCache.get}
 * never waits for it; a caller that must not answer from a possibly stale entry (serveStatic does not)
 * awaits {@link FileCache.checked}, which every caller of the same due entry shares: one check in flight
 * per entry, however many requests arrive meanwhile. A changed entry is replaced atomically (one
 * `Map.set`), and only if it is still the entry that was checked.
 *
 * Eviction is second-chance ("clock"): entries sit in Map order; a hit sets `referenced`; when the budget
 * is exceeded the hand walks from the oldest, moving referenced entries to the back with the flag
 * cleared and evicting the first unreferenced one. Variants made at run time go first: while some entry
 * holds any, the budget is restored by shedding them (oldest charge first), never an identity entry.
 *
 * @example
 * ```ts
 * const cache = new FileCache({ maxBytes: 64 << 20, revalidate: async () => 'fresh' })
 * cache.set(entry)
 * cache.get('/index.html') // entry
 * ```
 */
export class FileCache {
  readonly #map = new Map<string, CacheEntry>()
  readonly #maxBytes: number
  readonly #revalidate: (entry: CacheEntry) => Promise<CacheEntry | 'fresh' | null>
  readonly #interval: number
  /** The check in flight per entry: resolves to the entry now stored for its key, or undefined. */
  readonly #inFlight = new Map<CacheEntry, Promise<CacheEntry | undefined>>()
  /** Entries holding made variants, in the order they were first charged (shed first: oldest). */
  readonly #withMade = new Set<CacheEntry>()
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
   * Looks an entry up, marks it used and starts a check when one is due (not waiting for it: when
   * `entry.checking` is then true, {@link FileCache.checked} gives the outcome).
   *
   * @param key - canonical path
   * @param now - the current time in ms
   * @returns the entry, or undefined
   */
  get(key: string, now: number): CacheEntry | undefined {
    const entry = this.#map.get(key)
    if (entry === undefined) return undefined
    entry.referenced = true
    if (now - entry.checkedAt >= this.#interval && !entry.checking) this.#check(entry, now)
    return entry
  }

  /**
   * The outcome of the check in flight for an entry: the entry stored for its key once the check has
   * settled (the same entry when still fresh, its replacement when changed, undefined when dropped).
   * All callers share one check. Never rejects.
   *
   * @param entry - an entry whose `checking` is true (else it is returned as it is)
   * @returns the current entry of the key, or undefined
   * @example
   * ```ts
   * let entry = cache.get(key, Date.now())
   * if (entry?.checking) entry = await cache.checked(entry)
   * ```
   */
  checked(entry: CacheEntry): Promise<CacheEntry | undefined> {
    return this.#inFlight.get(entry) ?? Promise.resolve(entry)
  }

  /** The entry of a key without side effects. */
  peek(key: string): CacheEntry | undefined {
    return this.#map.get(key)
  }

  /**
   * Inserts or replaces an entry, then evicts until the budget holds.
   *
   * @param entry - the entry
   * @returns whether it was stored (false when it alone exceeds the budget or the cache is closed)
   */
  set(entry: CacheEntry): boolean {
    if (this.#closed || entry.cost > this.#maxBytes) {
      this.delete(entry.key)
      return false
    }
    const old = this.#map.get(entry.key)
    if (old !== undefined) this.#bytes -= old.cost
    if (old !== undefined) this.#withMade.delete(old)
    this.#map.set(entry.key, entry)
    this.#bytes += entry.cost
    this.#fit()
    return this.#map.get(entry.key) === entry
  }

  /**
   * Charges bytes made for a stored entry (a run-time variant) to the budget, then sheds or evicts until
   * the budget holds: made variants of other entries (oldest first) before any identity entry.
   *
   * @param entry - the entry the bytes belong to
   * @param bytes - their cost
   * @returns false when the entry is no longer the stored one for its key (then nothing is charged)
   * @example
   * ```ts
   * if (cache.charge(entry, REPRESENTATION_OVERHEAD + br.length)) made.bytes += …
   * ```
   */
  charge(entry: CacheEntry, bytes: number): boolean {
    if (this.#closed || this.#map.get(entry.key) !== entry) return false
    entry.cost += bytes
    this.#bytes += bytes
    this.#withMade.add(entry)
    this.#fit()
    return true
  }

  /** Sheds made variants, then evicts entries, until the budget holds. */
  #fit(): void {
    while (this.#bytes > this.#maxBytes) {
      const first = this.#withMade.values().next()
      if (first.done === true) {
        this.#evictOne()
        continue
      }
      const entry = first.value
      this.#withMade.delete(entry)
      if (entry.made === null) continue
      const freed = shedMade(entry.made)
      entry.cost -= freed
      this.#bytes -= freed
      debug('shed the made variants of %s (%d bytes)', entry.key, freed)
    }
  }

  /**
   * Removes an entry.
   *
   * @param key - canonical path
   * @param only - remove only if the stored entry is this one
   */
  delete(key: string, only?: CacheEntry): void {
    const old = this.#map.get(key)
    if (old === undefined || (only !== undefined && old !== only)) return
    this.#map.delete(key)
    this.#withMade.delete(old)
    this.#bytes -= old.cost
  }

  /** Drops every entry (checks in flight then store nothing); new entries are taken as before. */
  clear(): void {
    this.#map.clear()
    this.#withMade.clear()
    this.#bytes = 0
  }

  /** Drops everything and refuses new entries. */
  close(): void {
    this.#closed = true
    this.#map.clear()
    this.#withMade.clear()
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
      this.#withMade.delete(entry)
      this.#bytes -= entry.cost
      debug('evict %s (%d bytes)', key, entry.cost)
      return
    }
  }

  #check(entry: CacheEntry, now: number): void {
    entry.checking = true
    entry.checkedAt = now
    const done = (current: CacheEntry | undefined): CacheEntry | undefined => {
      entry.checking = false
      this.#inFlight.delete(entry)
      return current
    }
    const pending = this.#revalidate(entry).then(
      result => {
        entry.checkedAt = Date.now()
        const stored = this.#map.get(entry.key)
        if (stored !== entry) {
          // Replaced meanwhile (a retry after a change, a concurrent load): the newer entry stands.
          // Evicted meanwhile: the outcome is still the answer, it is just not kept.
          return done(stored ?? (result === 'fresh' ? entry : (result ?? undefined)))
        }
        if (result === 'fresh') return done(entry)
        if (result === null) {
          debug('drop %s', entry.key)
          this.delete(entry.key, entry)
          return done(undefined)
        }
        debug('refresh %s', entry.key)
        result.referenced = entry.referenced
        this.set(result)
        return done(result) // served even when it no longer fits the budget
      },
      (err: unknown) => {
        debug('revalidation of %s failed: %O', entry.key, err)
        this.delete(entry.key, entry)
        return done(undefined)
      },
    )
    this.#inFlight.set(entry, pending)
  }
}
