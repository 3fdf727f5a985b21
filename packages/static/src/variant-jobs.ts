/**
 * The compression jobs of run-time variants: one per (file version, coding), a few at a time, results
 * kept only while their entry is still the cached version of its file.
 *
 * @module
 */
import { createDebug, type ContentCoding } from 'tinyhttp-core'
import { REPRESENTATION_OVERHEAD, type CacheEntry } from './cache-entry.js'
import { encodeBytes } from './encode.js'
import type { HeaderConfig } from './representation.js'
import { madeRepresentation, settleMade } from './runtime-variants.js'

const debug = createDebug('tinyhttp:static')

/**
 * What the jobs need from the middleware.
 *
 * @example
 * ```ts
 * const jobs = new VariantJobs({ headers: entryConfig, charge: (e, n) => cache.charge(e, n), isCurrent: e => cache.peek(e.key) === e })
 * ```
 */
export interface VariantJobsOptions {
  /** Header configuration of the variants (Cache-Control, ETag, …: as the identity's). */
  readonly headers: HeaderConfig
  /**
   * Charges a finished variant to the cache; false when the entry is no longer cached (a changed file,
   * evicted, closed): the variant is then dropped.
   */
  readonly charge: (entry: CacheEntry, bytes: number) => boolean
  /** Whether an entry is still the stored version of its file (a queued job of an older one is skipped). */
  readonly isCurrent: (entry: CacheEntry) => boolean
  /** Jobs running at once (each holds a libuv pool thread, shared with file-system calls). @defaultValue 2 */
  readonly concurrency?: number
}

/**
 * Runs the compression jobs of run-time variants.
 *
 * @remarks
 * {@link VariantJobs.start} is called at every request for an entry with run-time variants; only the
 * first call for an entry (a file version) queues its jobs (gzip first, the quickest, then br/zstd), so
 * 50 simultaneous first requests start one job per coding. A queued job whose entry was replaced or
 * evicted meanwhile is skipped; a finished one is attached only if its entry is still the stored one.
 *
 * Two entries of the same file version — `/` and `/index.html`, or an entry re-read because its file
 * was modified just before it was first read ("racy") — share the encoded bytes: a job first looks for
 * bytes made for the same version (real path, ETag, size, mtime, inode) and coding that some entry
 * still holds (a `WeakRef`: nothing is kept alive outside the cache budget), or waits for the job
 * making them.
 *
 * @example
 * ```ts
 * const jobs = new VariantJobs({ headers: entryConfig, charge: (e, n) => cache.charge(e, n), isCurrent: e => cache.peek(e.key) === e })
 * if (entry.made !== null) jobs.start(entry)
 * await jobs.idle() // every queued job has settled
 * ```
 */
export class VariantJobs {
  readonly #options: VariantJobsOptions
  readonly #concurrency: number
  readonly #queue: Array<() => Promise<void>> = []
  #running = 0
  #closed = false
  #idle: Array<() => void> = []
  /** Encodings in flight, by version and coding. */
  readonly #making = new Map<string, Promise<Buffer>>()
  /** Encoded bytes some entry may still hold, by version and coding (a key leaves when its bytes are collected). */
  readonly #made = new Map<string, WeakRef<Buffer>>()
  readonly #collected = new FinalizationRegistry<string>(key => {
    if (this.#made.get(key)?.deref() === undefined) this.#made.delete(key)
  })

  /** @param options - header configuration and the cache's charge function */
  constructor(options: VariantJobsOptions) {
    this.#options = options
    this.#concurrency = options.concurrency ?? 2
  }

  /**
   * Queues the jobs of an entry, once per entry. Bytes another entry of the same file version still
   * holds are attached at once (the request that called this is already answered with them).
   *
   * @param entry - an entry with `made` set
   */
  start(entry: CacheEntry): void {
    const made = entry.made
    if (made === null || made.started || this.#closed) return
    made.started = true
    // Quickest first: gzip is ready long before a brotli-11 job, and is served meanwhile.
    const order = [...made.toMake].sort((a, b) => (a === 'gzip' ? -1 : b === 'gzip' ? 1 : 0))
    for (const coding of order) {
      const held = this.#made.get(this.#versionKey(entry, coding))?.deref()
      if (held !== undefined && this.#options.isCurrent(entry)) {
        this.#attach(entry, coding, held)
        continue
      }
      let settle!: () => void
      made.jobs.set(coding, new Promise<void>(resolve => (settle = resolve)))
      this.#queue.push(() => this.#run(entry, coding).finally(settle))
    }
    this.#pump()
  }

  /**
   * Resolves once no job is queued or running.
   *
   * @returns a promise that never rejects
   */
  idle(): Promise<void> {
    if (this.#running === 0 && this.#queue.length === 0) return Promise.resolve()
    return new Promise(resolve => this.#idle.push(resolve))
  }

  /** Drops the queued jobs (running ones finish and are discarded by the closed cache). */
  close(): void {
    this.#closed = true
    const queued = this.#queue.splice(0)
    // Each settles at once (closed: nothing is made), so whoever waits on a coding's job is released.
    for (const job of queued) void job()
    if (this.#running === 0) for (const resolve of this.#idle.splice(0)) resolve()
  }

  #pump(): void {
    while (this.#running < this.#concurrency && this.#queue.length > 0) {
      const job = this.#queue.shift() as () => Promise<void>
      this.#running++
      void job().finally(() => {
        this.#running--
        this.#pump()
        if (this.#running === 0 && this.#queue.length === 0) for (const resolve of this.#idle.splice(0)) resolve()
      })
    }
  }

  async #run(entry: CacheEntry, coding: ContentCoding): Promise<void> {
    const made = entry.made
    const identity = entry.identity
    if (made === null || identity.body === null) return
    if (this.#closed || made.shed || !this.#options.isCurrent(entry)) {
      settleMade(made, coding, undefined)
      return
    }
    let bytes: Buffer
    try {
      bytes = await this.#encodeOnce(entry, coding)
    } catch (err) {
      debug('compressing %s with %s failed: %O', entry.key, coding, err)
      settleMade(made, coding, undefined)
      return
    }
    this.#attach(entry, coding, bytes)
  }

  /** Keeps the bytes as the entry's variant when smaller than the file, charged to the cache. */
  #attach(entry: CacheEntry, coding: ContentCoding, bytes: Buffer): void {
    const made = entry.made
    const identity = entry.identity
    if (made === null) return
    // Kept only when smaller, and only for the entry still stored for its key (the current version).
    if (bytes.length >= identity.size || made.shed) {
      settleMade(made, coding, undefined)
      return
    }
    const cost = REPRESENTATION_OVERHEAD + bytes.length
    const rep = madeRepresentation(identity, coding, bytes, this.#options.headers)
    settleMade(made, coding, rep)
    made.bytes += cost
    if (!this.#options.charge(entry, cost)) {
      // Not cached any more: the entry is garbage once its in-flight requests are answered.
      made.bytes -= cost
      debug('%s changed or left the cache while %s was made', entry.key, coding)
    }
  }

  /** The bytes of (entry's file version, coding): reused when some entry still holds them, else made once. */
  #encodeOnce(entry: CacheEntry, coding: ContentCoding): Promise<Buffer> {
    const identity = entry.identity
    const key = this.#versionKey(entry, coding)
    const held = this.#made.get(key)?.deref()
    if (held !== undefined) return Promise.resolve(held)
    const making = this.#making.get(key)
    if (making !== undefined) return making
    const job = encodeBytes(coding, identity.body as Buffer, identity.contentType)
    this.#making.set(key, job)
    const settle = (): void => {
      this.#making.delete(key)
    }
    job.then(bytes => {
      settle()
      this.#made.set(key, new WeakRef(bytes))
      this.#collected.register(bytes, key)
    }, settle)
    return job
  }

  /** (file version, coding): real path, ETag (a content hash for files in memory), size, mtime, inode. */
  #versionKey(entry: CacheEntry, coding: ContentCoding): string {
    const identity = entry.identity
    const st = identity.stats
    return `${coding}|${identity.real}|${identity.validators.etag ?? ''}|${st.size}|${st.mtimeMs}|${st.ino}`
  }
}
