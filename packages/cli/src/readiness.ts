/**
 * Whether this server should get traffic: one state, `starting` → `ready` → `draining`, with the reason
 * a probe (`/readyz`, `--health-path`, `tinyhttp-cli healthcheck`) reports.
 *
 * @module
 */

/** Where a server is in its life, as a load balancer sees it. */
export type ReadinessState = 'starting' | 'ready' | 'draining'

/**
 * What a readiness probe answers: `ready` true (200) or false (503) and one word or line why.
 *
 * @example
 * ```ts
 * const answer: ReadinessReport = { ready: false, reason: 'draining' }
 * ```
 */
export interface ReadinessReport {
  /** Whether traffic should be sent here. */
  readonly ready: boolean
  /** `ready`, `starting`, `draining`, or what the server is waiting for. */
  readonly reason: string
}

/**
 * The readiness of one server (or of a cluster primary): `starting` until the allowlist, the
 * configuration and TLS are loaded and the listeners are up, `ready` then, `draining` from the first
 * moment of a shutdown, for good (a drain never goes back). {@link Readiness.check} is the callback an
 * admin listener or a health path calls on every probe.
 *
 * @example
 * ```ts
 * const readiness = new Readiness()
 * admin({ readiness: readiness.check }) // 503 "starting"
 * await app.listen(0)
 * readiness.markReady() // 200 "ready"
 * process.once('SIGTERM', () => readiness.markDraining()) // 503 "draining"
 * ```
 */
export class Readiness {
  #state: ReadinessState = 'starting'
  #reason = 'starting'

  /** The state now. */
  get state(): ReadinessState {
    return this.#state
  }

  /** Whether traffic should be sent here now. */
  get ready(): boolean {
    return this.#state === 'ready'
  }

  /** Why not (or `ready`). */
  get reason(): string {
    return this.#reason
  }

  /**
   * Everything is loaded and listening. Ignored once draining.
   *
   * @returns true when the state changed
   */
  markReady(): boolean {
    if (this.#state !== 'starting') return false
    this.#state = 'ready'
    this.#reason = 'ready'
    return true
  }

  /**
   * Not ready while starting, for another reason than the start itself (a cluster primary whose workers
   * are all gone: `no worker listening`). Ignored once draining.
   *
   * @param reason - one short line
   */
  markStarting(reason: string): void {
    if (this.#state === 'draining') return
    this.#state = 'starting'
    this.#reason = reason
  }

  /**
   * A shutdown started: not ready from now on, whatever happens next.
   *
   * @returns true when the state changed
   */
  markDraining(): boolean {
    if (this.#state === 'draining') return false
    this.#state = 'draining'
    this.#reason = 'draining'
    return true
  }

  /**
   * The probe callback, bound: `readiness.check()` → `{ ready, reason }`, a new object each call.
   *
   * @returns the report now
   */
  readonly check = (): ReadinessReport => ({ ready: this.#state === 'ready', reason: this.#reason })
}
