/**
 * The `Range` request header (RFC 9110 §14.1–§14.2), parsed strictly and bounded.
 *
 * @module
 */

/**
 * One satisfiable byte range, both ends inclusive, already clamped to the representation.
 *
 * @example
 * ```ts
 * const r: ByteRange = { start: 15, end: 19 } // the last 5 bytes of a 20-byte file
 * ```
 */
export interface ByteRange {
  /** First byte (0-based). */
  readonly start: number
  /** Last byte, inclusive (`start <= end < size`). */
  readonly end: number
}

/**
 * What {@link parseRange} decided:
 * - `'ignore'`: serve the whole representation with 200 (no header, an unknown unit, a syntax error, an
 *   invalid range such as `5-2`, more ranges than allowed, or ranges that together ask for more bytes
 *   than the representation has);
 * - `'unsatisfiable'`: answer 416 with `Content-Range: bytes *\/size`;
 * - a non-empty list of disjoint, sorted ranges (overlapping and adjacent ones merged).
 * @example
 * ```ts
 * const result: RangeResult = parseRange('bytes=0-1', 20) // [{ start: 0, end: 1 }]
 * ```
 */
export type RangeResult = 'ignore' | 'unsatisfiable' | ByteRange[]

/**
 * Longest number (significant digits, leading zeros not counted) read as a value; anything longer is
 * taken as "beyond the end of any file" (10^15 bytes is a petabyte). For every representation smaller
 * than that this is exact: a position beyond the end is clamped (last-pos), unsatisfiable (first-pos) or
 * the whole file (suffix-length) anyway, and `last < first` between two such numbers is still detected
 * on their digits. No arithmetic ever leaves the safe-integer range.
 * @example
 * ```ts
 * parseRange('bytes=0-' + '9'.repeat(MAX_RANGE_DIGITS + 5), 20) // [{ start: 0, end: 19 }]
 * ```
 */
export const MAX_RANGE_DIGITS = 15

/**
 * Default maximum number of range-specs in one header.
 *
 * @example
 * ```ts
 * parseRange(header, size, DEFAULT_MAX_RANGES)
 * ```
 */
export const DEFAULT_MAX_RANGES = 16

const HUGE = Number.MAX_SAFE_INTEGER

const C_0 = 0x30
const C_9 = 0x39
const DASH = 0x2d
const COMMA = 0x2c
const SP = 0x20
const HTAB = 0x09

function isOws(c: number): boolean {
  return c === SP || c === HTAB
}

/**
 * Parses a `Range` header for a representation of `size` bytes.
 *
 * @remarks
 * Grammar (RFC 9110 §14.1.1, list rule §5.6.1.2): `bytes=` (unit case-insensitive, no whitespace around
 * `=`), then range-specs `first-last`, `first-` or `-suffix` separated by commas with optional
 * whitespace; empty list elements are accepted. Digits only: no signs, no spaces inside a spec.
 *
 * - `last < first` anywhere makes the whole header invalid → `'ignore'` (§14.1.1, §14.2 "MAY ignore").
 * - Specs beyond the representation are dropped; when none is left → `'unsatisfiable'` (`first >= size`,
 *   `-0`). On an empty representation only a non-empty suffix range is satisfiable (§14.1.3) and it
 *   selects nothing, so the answer is `'ignore'` (a 200 with the empty body).
 * - `last` is clamped to `size - 1`; a suffix longer than the file selects the whole file.
 * - More than `maxRanges` specs, or satisfiable specs whose lengths add up to more than `size` (overlap
 *   abuse, CVE-2011-3192) → `'ignore'`. Otherwise the ranges are sorted and overlapping or adjacent ones
 *   merged, so the result never covers a byte twice.
 *
 * Runs in time linear in the header length and never throws.
 *
 * @param header - the field value (`undefined` → `'ignore'`)
 * @param size - the representation length in bytes
 * @param maxRanges - most range-specs accepted @defaultValue 16
 * @returns `'ignore'`, `'unsatisfiable'` or the ranges to send
 * @example
 * ```ts
 * parseRange('bytes=0-0', 20)      // [{ start: 0, end: 0 }]
 * parseRange('bytes=-5', 20)       // [{ start: 15, end: 19 }]
 * parseRange('bytes=5-2', 20)      // 'ignore'
 * parseRange('bytes=20-', 20)      // 'unsatisfiable'
 * parseRange('bytes=0-1,4-5', 20)  // [{ start: 0, end: 1 }, { start: 4, end: 5 }]
 * parseRange('items=0-1', 20)      // 'ignore'
 * ```
 */
export function parseRange(header: string | undefined, size: number, maxRanges: number = DEFAULT_MAX_RANGES): RangeResult {
  if (typeof header !== 'string') return 'ignore'
  const len = header.length
  // "bytes=" case-insensitively.
  if (
    len < 7 ||
    (header.charCodeAt(0) | 0x20) !== 0x62 ||
    (header.charCodeAt(1) | 0x20) !== 0x79 ||
    (header.charCodeAt(2) | 0x20) !== 0x74 ||
    (header.charCodeAt(3) | 0x20) !== 0x65 ||
    (header.charCodeAt(4) | 0x20) !== 0x73 ||
    header.charCodeAt(5) !== 0x3d
  ) {
    return 'ignore'
  }

  const ranges: ByteRange[] = []
  let specs = 0
  let sum = 0
  let suffixOnEmpty = false
  let i = 6
  for (;;) {
    // An element (possibly empty), then OWS "," OWS or the end.
    if (i < len && header.charCodeAt(i) !== COMMA && !isOws(header.charCodeAt(i))) {
      if (++specs > maxRanges) return 'ignore'
      let first = -1
      let last = -1
      let firstDigits = ''
      // first-pos
      if (header.charCodeAt(i) !== DASH) {
        const r = readNumber(header, i)
        if (r < 0) return 'ignore'
        first = numberValue
        firstDigits = hugeDigits
        i = r
      }
      if (i >= len || header.charCodeAt(i) !== DASH) return 'ignore'
      i++
      // last-pos or suffix-length
      if (i < len && header.charCodeAt(i) >= C_0 && header.charCodeAt(i) <= C_9) {
        const r = readNumber(header, i)
        if (r < 0) return 'ignore'
        last = numberValue
        i = r
      } else if (first < 0) {
        return 'ignore' // a lone "-"
      }
      if (first >= 0) {
        if (last >= 0 && (last < first || (last === HUGE && first === HUGE && hugeLess(hugeDigits, firstDigits)))) {
          return 'ignore'
        }
        if (first < size) {
          const end = last < 0 || last >= size ? size - 1 : last
          sum += end - first + 1
          ranges.push({ start: first, end })
        }
      } else if (last > 0) {
        if (size === 0) suffixOnEmpty = true
        else {
          const n = last > size ? size : last
          sum += n
          ranges.push({ start: size - n, end: size - 1 })
        }
      }
      if (sum > size) return 'ignore'
    }
    while (i < len && isOws(header.charCodeAt(i))) i++
    if (i >= len) break
    if (header.charCodeAt(i) !== COMMA) return 'ignore'
    i++
    while (i < len && isOws(header.charCodeAt(i))) i++
  }

  if (specs === 0) return 'ignore'
  if (ranges.length === 0) return suffixOnEmpty ? 'ignore' : 'unsatisfiable'
  return ranges.length === 1 ? ranges : coalesce(ranges)
}

/** The value read by the last {@link readNumber} call (avoids allocating a pair). */
let numberValue = 0
/** The significant digits of the last number read when it was saturated, else `''`. */
let hugeDigits = ''

/** Whether the saturated number `a` is smaller than `b` (both digit strings without leading zeros). */
function hugeLess(a: string, b: string): boolean {
  return a.length !== b.length ? a.length < b.length : a < b
}

/**
 * Reads 1*DIGIT at `i`. Sets {@link numberValue} (saturated to {@link HUGE} beyond
 * {@link MAX_RANGE_DIGITS} significant digits) and returns the index after the digits, or -1 when there
 * is no digit at `i`.
 */
function readNumber(s: string, i: number): number {
  const len = s.length
  const start = i
  while (i < len && s.charCodeAt(i) === C_0) i++
  let value = 0
  let digits = 0
  for (; i < len; i++) {
    const c = s.charCodeAt(i)
    if (c < C_0 || c > C_9) break
    if (++digits <= MAX_RANGE_DIGITS) value = value * 10 + (c - C_0)
  }
  if (i === start) return -1
  if (digits > MAX_RANGE_DIGITS) {
    numberValue = HUGE
    hugeDigits = s.slice(i - digits, i)
  } else {
    numberValue = value
    hugeDigits = ''
  }
  return i
}

/**
 * Sorts ranges by start and merges overlapping or adjacent ones (RFC 9110 §15.3.7.2 lets a server
 * coalesce regardless of the order the client asked in).
 *
 * @param ranges - satisfiable ranges
 * @returns disjoint ranges in ascending order, none adjacent to the next
 * @example
 * ```ts
 * coalesce([{ start: 4, end: 5 }, { start: 0, end: 2 }, { start: 2, end: 3 }]) // [{ start: 0, end: 5 }]
 * ```
 */
export function coalesce(ranges: readonly ByteRange[]): ByteRange[] {
  const sorted = ranges.slice().sort((a, b) => a.start - b.start || a.end - b.end)
  const out: ByteRange[] = []
  let current = sorted[0]
  if (current === undefined) return out
  for (let k = 1; k < sorted.length; k++) {
    const next = sorted[k] as ByteRange
    if (next.start <= current.end + 1) {
      if (next.end > current.end) current = { start: current.start, end: next.end }
    } else {
      out.push(current)
      current = next
    }
  }
  out.push(current)
  return out
}

/**
 * The `Content-Range` value of a 206 part.
 *
 * @param range - the part
 * @param size - the complete length
 * @returns e.g. `'bytes 0-1/20'`
 * @example
 * ```ts
 * contentRange({ start: 15, end: 19 }, 20) // 'bytes 15-19/20'
 * ```
 */
export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`
}

/**
 * The `Content-Range` value of a 416 (RFC 9110 §14.4, §15.5.17).
 *
 * @param size - the complete length
 * @returns e.g. `'bytes *\/20'`
 * @example
 * ```ts
 * unsatisfiedRange(20) // 'bytes *\/20'
 * ```
 */
export function unsatisfiedRange(size: number): string {
  return `bytes */${size}`
}
