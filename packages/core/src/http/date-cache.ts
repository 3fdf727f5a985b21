let cachedSecond = -1
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
  const second = Math.floor(now / 1000)
  if (second !== cachedSecond) {
    cachedSecond = second
    cachedLine = `Date: ${new Date(second * 1000).toUTCString()}\r\n`
  }
  return cachedLine
}
