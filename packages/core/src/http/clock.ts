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
  return Math.floor(performance.now()) + 1
}
