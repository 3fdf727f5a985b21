import { monotonicMs } from './clock.js'

/** Something with one deadline that a {@link DeadlineSet} watches. */
export interface Timed {
  /** Clock milliseconds ({@link monotonicMs}) at which {@link Timed.onTimeout} fires; 0 = no deadline. */
  deadline: number
  /** Where a {@link DeadlineSet} keeps the member, -1 while it is in none: the set's own bookkeeping, start it at -1. */
  deadlineSlot: number
  /** Called once the deadline has passed (the owner re-arms or clears it). */
  onTimeout(now: number): void
}

/**
 * The deadlines of many connections behind one coarse interval instead of a `setTimeout` per request:
 * every interval it scans its members and fires those whose deadline has passed. The interval runs only
 * while something is registered (it stops at the first scan that finds the set empty, so connections
 * that come and go one at a time do not arm and clear a timer each) and never keeps the process alive.
 *
 * The members are kept in an array, each knowing its slot ({@link Timed.deadlineSlot}): adding and
 * removing one (twice per connection) is a store and a swap, with no hashing and no table to rehash.
 *
 * @example
 * ```ts
 * const deadlines = new DeadlineSet(250)
 * const conn = { deadline: monotonicMs() + 1000, deadlineSlot: -1, onTimeout: () => socket.destroy() }
 * deadlines.add(conn) // later: deadlines.delete(conn)
 * ```
 * @internal
 */
export class DeadlineSet {
  readonly #members: Timed[] = []
  readonly #intervalMs: number
  #interval: NodeJS.Timeout | null = null

  /** @param intervalMs - how often the set is scanned (the resolution of every deadline), at least 5 ms */
  constructor(intervalMs: number) {
    this.#intervalMs = Math.max(5, Math.floor(intervalMs))
  }

  /** Registers a member (once: a member already in the set stays where it is). */
  add(member: Timed): void {
    if (member.deadlineSlot >= 0) return
    const members = this.#members
    member.deadlineSlot = members.length
    members.push(member)
    if (this.#interval === null) {
      this.#interval = setInterval(() => this.#scan(), this.#intervalMs)
      this.#interval.unref()
    }
  }

  /** Unregisters a member (nothing happens when it is not in the set). */
  delete(member: Timed): void {
    const slot = member.deadlineSlot
    const members = this.#members
    if (slot < 0 || members[slot] !== member) return
    member.deadlineSlot = -1
    const last = members.pop() as Timed
    if (last !== member) {
      members[slot] = last
      last.deadlineSlot = slot
    }
  }

  #scan(): void {
    const members = this.#members
    if (members.length === 0) {
      clearInterval(this.#interval as NodeJS.Timeout)
      this.#interval = null
      return
    }
    const now = monotonicMs()
    // From the end: a member that leaves during its own `onTimeout` is replaced by one already scanned;
    // members added meanwhile wait for the next scan.
    for (let i = members.length - 1; i >= 0; i--) {
      const member = members[i]
      if (member === undefined) continue
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
