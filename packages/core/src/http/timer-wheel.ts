/** Something with one deadline that a {@link TimerWheel} watches. */
export interface Timed {
  /** Epoch milliseconds at which {@link Timed.onTimeout} fires; 0 = no deadline. */
  deadline: number
  /** Called once the deadline has passed (the owner re-arms or clears it). */
  onTimeout(now: number): void
}

/**
 * One coarse interval timer for many connections instead of a `setTimeout` per request: every tick it
 * fires the deadlines that have passed. The interval runs only while something is registered and never
 * keeps the process alive.
 *
 * @example
 * ```ts
 * const wheel = new TimerWheel(250)
 * const conn = { deadline: Date.now() + 1000, onTimeout: () => socket.destroy() }
 * wheel.add(conn) // later: wheel.delete(conn)
 * ```
 */
export class TimerWheel {
  readonly #members = new Set<Timed>()
  readonly #tickMs: number
  #interval: NodeJS.Timeout | null = null

  /** @param tickMs - the resolution, in milliseconds */
  constructor(tickMs: number) {
    this.#tickMs = Math.max(5, Math.floor(tickMs))
  }

  /** The resolution, in milliseconds. */
  get tickMs(): number {
    return this.#tickMs
  }

  /** Registers a member. */
  add(member: Timed): void {
    this.#members.add(member)
    if (this.#interval === null) {
      this.#interval = setInterval(() => this.#tick(), this.#tickMs)
      this.#interval.unref()
    }
  }

  /** Unregisters a member; stops the interval when none is left. */
  delete(member: Timed): void {
    this.#members.delete(member)
    if (this.#members.size === 0 && this.#interval !== null) {
      clearInterval(this.#interval)
      this.#interval = null
    }
  }

  /** Number of registered members. */
  get size(): number {
    return this.#members.size
  }

  #tick(): void {
    const now = Date.now()
    for (const member of this.#members) {
      if (member.deadline !== 0 && member.deadline <= now) {
        try {
          member.onTimeout(now)
        } catch {
          // A member's timeout handler must not stop the others.
        }
      }
    }
  }
}
