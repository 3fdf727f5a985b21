/** Epoch ms at which the cached line goes stale (the start of the next second). */
let staleAt = 0
let cachedLine = ''

/**
 * The `Date: <IMF-fixdate>\r\n` field line for the current second, formatted at most once per second.
 *
 * @returns the field line including CRLF
 * @example
 * ```ts
 * dateLine() // 'Date: Mon, 23 Nov 2026 21:33:27 GMT\r\n'
 * ```
 */
export function dateLine(): string {
  const now = Date.now()
  if (now >= staleAt || now < staleAt - 1000) {
    const second = now - (now % 1000)
    staleAt = second + 1000
    cachedLine = `Date: ${new Date(second).toUTCString()}\r\n`
  }
  return cachedLine
}
