/**
 * The clock of every connection deadline: whole milliseconds since the process started, from the
 * monotonic clock (a wall-clock jump neither fires nor delays a timeout).
 *
 * The values stay small integers for the first 24 days of a process, which V8 keeps inside the object
 * that holds them; a wall-clock `Date.now()` (about 1.7e12) is a boxed number in each connection and a new
 * allocation on every assignment. After 24 days they are plain doubles, still correct. Never 0, which the
 * connection uses for "not set".
 *
 * @example
 * ```ts
 * const deadline = monotonicMs() + 5000
 * if (monotonicMs() >= deadline) socket.destroy()
 * ```
 * @internal
 */
export function monotonicMs(): number {
  return held !== 0 ? held : Math.floor(performance.now()) + 1
}

/** The reading that {@link monotonicMs} returns while a read is being handled; 0 otherwise. */
let held = 0

/**
 * Reads the clock once for the synchronous handling of one read from a socket: until
 * {@link releaseClock}, {@link monotonicMs} returns this reading (a request answered at once is stamped
 * when it arrived and when it was answered with one clock call, not two: each costs ~65 ns here).
 * Nested holds read the clock again; a release always ends the hold (later calls read the clock).
 * The stamps taken under a hold are early by the time the synchronous work took (a middleware that
 * computes for 100 ms before answering starts its connection's keep-alive wait 100 ms early): a
 * deadline may come that much sooner, never later.
 *
 * @returns the reading
 * @example
 * ```ts
 * const now = holdClock()
 * try {
 *   handle(chunk)
 * } finally {
 *   releaseClock()
 * }
 * ```
 * @internal
 */
export function holdClock(): number {
  held = Math.floor(performance.now()) + 1
  return held
}

/**
 * Ends the hold started by {@link holdClock}: {@link monotonicMs} reads the clock again.
 *
 * @example
 * ```ts
 * releaseClock()
 * ```
 * @internal
 */
export function releaseClock(): void {
  held = 0
}
