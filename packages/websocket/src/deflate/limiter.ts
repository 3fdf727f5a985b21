/**
 * A first-in first-out bound on concurrent zlib jobs, shared by sockets. zlib's asynchronous work
 * runs on libuv's thread pool (4 threads by default, also used by file system calls); without a
 * bound, one client sending thousands of compressed frames would fill it and every other socket
 * (and every file read) would wait behind it. Each {@link MessageDeflate} runs its own jobs one at a
 * time and only then asks for a slot, so a socket holds at most one slot per direction and the
 * queue serves sockets in turn.
 *
 * @example
 * ```ts
 * const limiter = new ZlibLimiter(4)
 * const out = await limiter.run(() => inflateSomething())
 * ```
 */
export class ZlibLimiter {
  /** How many jobs may run at once. */
  readonly concurrency: number
  #running = 0
  readonly #waiting: Array<() => void> = []

  /**
   * @param concurrency - jobs at once, ≥ 1
   * @throws TypeError for a concurrency below 1
   */
  constructor(concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new TypeError(`ZlibLimiter concurrency must be an integer ≥ 1, got ${String(concurrency)}`)
    }
    this.concurrency = concurrency
  }

  /** Jobs running now. */
  get running(): number {
    return this.#running
  }

  /** Jobs waiting for a slot. */
  get queued(): number {
    return this.#waiting.length
  }

  /**
   * Runs `job` when a slot is free (at once if one is) and frees the slot when it settles.
   *
   * @param job - starts the work; its promise decides when the slot is free again
   * @returns the job's result
   * @example
   * ```ts
   * await sharedZlibLimiter.run(() => channel.process([payload]))
   * ```
   */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.#running >= this.concurrency) await new Promise<void>((resolve) => this.#waiting.push(resolve))
    else this.#running++
    try {
      return await job()
    } finally {
      const next = this.#waiting.shift()
      if (next === undefined) this.#running--
      else next() // the slot passes straight to the next job: #running stays the same
    }
  }
}

/**
 * The limiter every socket uses unless its options name another: 10 jobs at once, the same bound
 * as `ws`'s default, above the 4 threads of libuv's pool so that the pool never idles while small
 * jobs wait.
 *
 * @example
 * ```ts
 * sharedZlibLimiter.running // jobs in flight now, all sockets together
 * ```
 */
export const sharedZlibLimiter = new ZlibLimiter(10)
