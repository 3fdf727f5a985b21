/**
 * Byte classification tables for the HTTP/1.1 parser.
 *
 * Each table is a `Uint8Array(256)` indexed by a byte value: `1` means the
 * byte belongs to the class, `0` that it does not (except {@link HEX_VALUE},
 * which holds the digit value). Table lookups keep the parser's inner loops
 * free of branches on character ranges.
 */

/** Marks every byte of `chars` (a latin1 string) in `table` with `value`. */
function mark(table: Uint8Array, chars: string, value = 1): void {
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = value
}

/** Marks every byte from `from` to `to` (inclusive) in `table` with `value`. */
function markRange(table: Uint8Array, from: number, to: number, value = 1): void {
  for (let b = from; b <= to; b++) table[b] = value
}

const DIGITS = '0123456789'
const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
/** RFC 3986 §2.3 unreserved characters. */
const UNRESERVED = `${ALPHA}${DIGITS}-._~`
/** RFC 3986 §2.2 sub-delims. */
const SUB_DELIMS = "!$&'()*+,;="

/**
 * RFC 9110 §5.6.2 `tchar`: the bytes of a token (method, field name,
 * transfer coding, chunk extension name).
 */
export const TCHAR: Uint8Array = new Uint8Array(256)
mark(TCHAR, `${ALPHA}${DIGITS}!#$%&'*+-.^_\`|~`)

/**
 * RFC 9110 §5.5 field value bytes: HTAB, SP, VCHAR and obs-text (0x80-0xFF).
 * NUL, the other CTLs and DEL are excluded.
 */
export const FIELD_VALUE: Uint8Array = new Uint8Array(256)
FIELD_VALUE[0x09] = 1
markRange(FIELD_VALUE, 0x20, 0x7e)
markRange(FIELD_VALUE, 0x80, 0xff)

/**
 * Bytes that may appear anywhere in a request-target: VCHAR except `#`.
 * Used for the first scan of the request-line; the form-specific rules
 * ({@link PATH_CHAR}, {@link QUERY_CHAR}, {@link REG_NAME_CHAR}) are then
 * applied to the complete target.
 */
export const TARGET_CHAR: Uint8Array = new Uint8Array(256)
markRange(TARGET_CHAR, 0x21, 0x7e)
TARGET_CHAR[0x23] = 0

/**
 * Path bytes of an origin-form or absolute-form target: RFC 3986 `pchar`
 * (unreserved, sub-delims, `:`, `@`) plus `/`. `%` is not included: the
 * parser checks that it starts a `%` HEXDIG HEXDIG triplet.
 */
export const PATH_CHAR: Uint8Array = new Uint8Array(256)
mark(PATH_CHAR, `${UNRESERVED}${SUB_DELIMS}:@/`)

/**
 * Query bytes: any VCHAR except `#` and `%` (`%` must start a
 * pct-encoded triplet and is checked separately).
 */
export const QUERY_CHAR: Uint8Array = new Uint8Array(256)
markRange(QUERY_CHAR, 0x21, 0x7e)
QUERY_CHAR[0x23] = 0
QUERY_CHAR[0x25] = 0

/**
 * RFC 3986 §3.2.2 `reg-name` bytes (unreserved and sub-delims). IPv4
 * addresses are a subset. `%` must start a pct-encoded triplet and is
 * checked separately.
 */
export const REG_NAME_CHAR: Uint8Array = new Uint8Array(256)
mark(REG_NAME_CHAR, `${UNRESERVED}${SUB_DELIMS}`)

/** Bytes allowed between `[` and `]` of an IP-literal host: HEXDIG, `:`, `.`. */
export const IP_LITERAL_CHAR: Uint8Array = new Uint8Array(256)
mark(IP_LITERAL_CHAR, '0123456789abcdefABCDEF:.')

/**
 * RFC 9110 §5.6.4 `qdtext`: the unescaped bytes of a quoted-string
 * (HTAB, SP, `!`, `#`-`[`, `]`-`~`, obs-text).
 */
export const QDTEXT: Uint8Array = new Uint8Array(256)
QDTEXT[0x09] = 1
QDTEXT[0x20] = 1
QDTEXT[0x21] = 1
markRange(QDTEXT, 0x23, 0x5b)
markRange(QDTEXT, 0x5d, 0x7e)
markRange(QDTEXT, 0x80, 0xff)

/** Value stored in {@link HEX_VALUE} for bytes that are not hex digits. */
export const NOT_HEX = 0xff

/**
 * Hex digit values: `HEX_VALUE[b]` is 0-15 for `0-9`, `a-f`, `A-F`, and
 * {@link NOT_HEX} for every other byte.
 */
export const HEX_VALUE: Uint8Array = new Uint8Array(256).fill(NOT_HEX)
for (let i = 0; i < 10; i++) HEX_VALUE[0x30 + i] = i
for (let i = 0; i < 6; i++) {
  HEX_VALUE[0x41 + i] = 10 + i
  HEX_VALUE[0x61 + i] = 10 + i
}
