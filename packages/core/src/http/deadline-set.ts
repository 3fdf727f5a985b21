import { monotonicMs } from './clock.js'

/** Something with one deadline that a {@link DeadlineSet} watches. */
export interface Timed {
  /** Clock milliseconds ({@link monotonicMs}) at which {@link Timed.onTimeout} fires; 0 = no deadline. */
  deadline: number
  /** Called once the deadline has passed (the owner re-arms or clears it). */
  onTimeout(now: number): void
}

/**
 * The deadlines of many connections behind one coarse interval instead of a `setTimeout` per request:
 * every interval it scans its members and fires those whose deadline has passed. The interval runs only
 * while something is registered and never keeps the process alive.
 *
 * @example
 * ```ts
 * const deadlines = new DeadlineSet(250)
 * const conn = { deadline: monotonicMs() + 1000, onTimeout: () => socket.destroy() }
 * deadlines.add(conn) // later: deadlines.delete(conn)
 * ```
 * @internal
 */
export class DeadlineSet {
  readonly #members = new Set<Timed>()
  readonly #intervalMs: number
  #interval: NodeJS.Timeout | null = null

  /** @param intervalMs - how often the set is scanned (the resolution of every deadline), at least 5 ms */
  constructor(intervalMs: number) {
    this.#intervalMs = Math.max(5, Math.floor(intervalMs))
  }

  /** Registers a member. */
  add(member: Timed): void {
    this.#members.add(member)
    if (this.#interval === null) {
      this.#interval = setInterval(() => this.#scan(), this.#intervalMs)
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

  #scan(): void {
    const now = monotonicMs()
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
