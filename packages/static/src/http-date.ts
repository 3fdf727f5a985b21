/**
 * HTTP-date (RFC 9110 §5.6.7): formatting and a strict parser for the three accepted forms.
 *
 * @module
 */

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
const LONG_DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/**
 * Formats a time as an IMF-fixdate, truncated to the second.
 *
 * @param ms - milliseconds since the epoch
 * @returns e.g. `'Sun, 06 Nov 1994 08:49:37 GMT'`
 * @example
 * ```ts
 * formatHttpDate(784111777000) // 'Sun, 06 Nov 1994 08:49:37 GMT'
 * ```
 */
export function formatHttpDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toUTCString()
}

function digits(s: string, start: number, count: number): number {
  let v = 0
  for (let i = start; i < start + count; i++) {
    const c = s.charCodeAt(i) - 0x30
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v
}

function month(s: string, start: number): number {
  return MONTHS.indexOf(s.slice(start, start + 3))
}

/** Seconds since the epoch from validated fields, or NaN when a field is out of range. */
function toSeconds(year: number, mon: number, day: number, h: number, m: number, sec: number): number {
  if (year < 0 || mon < 0 || day < 1 || day > 31 || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60) return NaN
  const t = Date.UTC(year, mon, day, h, m, sec)
  // Reject dates such as 31 Feb that Date.UTC would roll over into March.
  if (new Date(t).getUTCDate() !== day && sec !== 60) return NaN
  return Math.floor(t / 1000)
}

/** `HH:MM:SS` at `i` as `[h, m, s]`, or null. */
function time(s: string, i: number): [number, number, number] | null {
  if (s.charCodeAt(i + 2) !== 0x3a || s.charCodeAt(i + 5) !== 0x3a) return null
  const h = digits(s, i, 2)
  const m = digits(s, i + 3, 2)
  const sec = digits(s, i + 6, 2)
  if (h < 0 || m < 0 || sec < 0) return null
  return [h, m, sec]
}

/**
 * Parses an HTTP-date strictly: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 form
 * (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`, read as UTC). Anything
 * else, including a list of dates, yields NaN (RFC 9110 §13.1.3: such a field is ignored).
 *
 * @param value - the field value
 * @returns seconds since the epoch, or NaN
 * @example
 * ```ts
 * parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT') // 784111777
 * parseHttpDate('garbage')                       // NaN
 * ```
 */
export function parseHttpDate(value: string | undefined): number {
  if (typeof value !== 'string') return NaN
  const s = value
  const n = s.length
  if (n === 29) {
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    if (!DAYS.includes(s.slice(0, 3)) || s.slice(3, 5) !== ', ' || s.charCodeAt(7) !== 0x20 || s.charCodeAt(11) !== 0x20) return NaN
    if (s.charCodeAt(16) !== 0x20 || s.slice(25) !== ' GMT') return NaN
    const day = digits(s, 5, 2)
    const mon = month(s, 8)
    const year = digits(s, 12, 4)
    const t = time(s, 17)
    if (day < 0 || mon < 0 || year < 0 || t === null) return NaN
    return toSeconds(year, mon, day, t[0], t[1], t[2])
  }
  if (n === 24) {
    // asctime: "Sun Nov  6 08:49:37 1994"
    if (!DAYS.includes(s.slice(0, 3)) || s.charCodeAt(3) !== 0x20 || s.charCodeAt(7) !== 0x20) return NaN
    if (s.charCodeAt(10) !== 0x20 || s.charCodeAt(19) !== 0x20) return NaN
    const mon = month(s, 4)
    const day = s.charCodeAt(8) === 0x20 ? digits(s, 9, 1) : digits(s, 8, 2)
    const t = time(s, 11)
    const year = digits(s, 20, 4)
    if (day < 0 || mon < 0 || year < 0 || t === null) return NaN
    return toSeconds(year, mon, day, t[0], t[1], t[2])
  }
  // rfc850-date: "Sunday, 06-Nov-94 08:49:37 GMT"
  const comma = s.indexOf(', ')
  if (comma < 6 || comma > 9 || !LONG_DAYS.includes(s.slice(0, comma))) return NaN
  const rest = s.slice(comma + 2)
  if (rest.length !== 22 || rest.charCodeAt(2) !== 0x2d || rest.charCodeAt(6) !== 0x2d || rest.charCodeAt(9) !== 0x20) return NaN
  if (rest.slice(18) !== ' GMT') return NaN
  const day = digits(rest, 0, 2)
  const mon = month(rest, 3)
  const yy = digits(rest, 7, 2)
  const t = time(rest, 10)
  if (day < 0 || mon < 0 || yy < 0 || t === null) return NaN
  // RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is in the past century.
  const nowYear = new Date().getUTCFullYear()
  let year = Math.floor(nowYear / 100) * 100 + yy
  if (year > nowYear + 50) year -= 100
  return toSeconds(year, mon, day, t[0], t[1], t[2])
}
