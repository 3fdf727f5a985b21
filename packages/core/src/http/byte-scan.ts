/**
 * The byte-level vocabulary shared by the request parser's phases: the bytes it looks for,
 * case-insensitive comparison with a literal, and fast latin1 decoding. Internal to the parser.
 *
 * @module
 */

// Bytes.
/** Horizontal tab. */
export const HTAB = 0x09
/** Line feed. */
export const LF = 0x0a
/** Carriage return. */
export const CR = 0x0d
/** Space. */
export const SP = 0x20
/** `"` */
export const DQUOTE = 0x22
/** `%` */
export const PERCENT = 0x25
/** `*` */
export const STAR = 0x2a
/** `,` */
export const COMMA = 0x2c
/** `/` */
export const SLASH = 0x2f
/** `:` */
export const COLON = 0x3a
/** `;` */
export const SEMI = 0x3b
/** `=` */
export const EQUALS = 0x3d
/** `?` */
export const QMARK = 0x3f
/** `[` */
export const LBRACKET = 0x5b
/** `\` */
export const BACKSLASH = 0x5c
/** `]` */
export const RBRACKET = 0x5d

/** A Buffer with Node's (untyped) fast latin1 slicing method. */
interface Latin1Buffer extends Buffer {
  latin1Slice(start: number, end: number): string
}

/**
 * Decodes `src[s..e)` as latin1 without going through the encoding lookup.
 *
 * @example
 * ```ts
 * latin1(Buffer.from('GET / HTTP/1.1'), 4, 5) // '/'
 * ```
 */
export const latin1: (src: Buffer, s: number, e: number) => string =
  typeof (Buffer.prototype as Partial<Latin1Buffer>).latin1Slice === 'function'
    ? (src, s, e) => (src as Latin1Buffer).latin1Slice(s, e)
    : (src, s, e) => src.toString('latin1', s, e)

/**
 * True for SP and HTAB (RFC 9110 §5.6.3 whitespace).
 *
 * @example
 * ```ts
 * isWs(0x20) // true
 * ```
 */
export function isWs(b: number): boolean {
  return b === SP || b === HTAB
}

/**
 * The bytes of the lower-case ASCII literal `s`, for {@link equalsLower}.
 *
 * @example
 * ```ts
 * const LC_HOST = lowerBytes('host')
 * ```
 */
export function lowerBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

/**
 * True when `src[s..e)` equals `lit` ignoring ASCII case.
 * `lit` must be lower case (letters, digits, `-`); `b | 0x20` folds only
 * letters onto it because the compared bytes are validated tokens or field
 * values, which contain no CTL (the only bytes that would fold onto a digit
 * or `-`).
 *
 * @example
 * ```ts
 * equalsLower(Buffer.from('Chunked'), 0, 7, lowerBytes('chunked')) // true
 * ```
 */
export function equalsLower(src: Buffer, s: number, e: number, lit: Uint8Array): boolean {
  const n = lit.length
  if (e - s !== n) return false
  for (let i = 0; i < n; i++) if ((src[s + i] | 0x20) !== lit[i]) return false
  return true
}

/**
 * True when `src[s..e)` equals the ASCII string `lit` exactly.
 *
 * @example
 * ```ts
 * equalsExact(Buffer.from('GET'), 0, 3, 'GET') // true
 * ```
 */
export function equalsExact(src: Buffer, s: number, e: number, lit: string): boolean {
  const n = lit.length
  if (e - s !== n) return false
  for (let i = 0; i < n; i++) if (src[s + i] !== lit.charCodeAt(i)) return false
  return true
}
