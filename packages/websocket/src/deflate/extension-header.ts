/**
 * One element of a `Sec-WebSocket-Extensions` list: the extension's name and its parameters in
 * the order they were written (a parameter without a value is `true`; a quoted value is unescaped).
 * Duplicates are kept so that a caller can refuse them (RFC 7692 §7).
 *
 * @example
 * ```ts
 * const offer: ExtensionOffer = { name: 'permessage-deflate', params: [['client_max_window_bits', true]] }
 * ```
 */
export interface ExtensionOffer {
  readonly name: string
  readonly params: ReadonlyArray<readonly [name: string, value: string | true]>
}

/**
 * What {@link parseExtensions} found: the offers in order, or where and why the text is not an
 * `extension-list` at all.
 *
 * @example
 * ```ts
 * const parsed: ParsedExtensions = { ok: false, reason: 'expected a token', at: 0 }
 * ```
 */
export type ParsedExtensions =
  | { readonly ok: true; readonly offers: readonly ExtensionOffer[] }
  | { readonly ok: false; readonly reason: string; readonly at: number }

// tchar (RFC 9110 §5.6.2), as a 128-entry table.
const TCHAR = new Uint8Array(128)
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TCHAR[c.charCodeAt(0)] = 1

const isTchar = (code: number): boolean => code < 128 && TCHAR[code] === 1
const isOws = (code: number): boolean => code === 0x20 || code === 0x09

/**
 * Whether `text` is an RFC 9110 token (non-empty, tchar only).
 *
 * @param text - the text
 * @returns true for a token
 * @example
 * ```ts
 * isToken('permessage-deflate') // true
 * isToken('a b') // false
 * ```
 */
export function isToken(text: string): boolean {
  if (text.length === 0) return false
  for (let i = 0; i < text.length; i++) if (!isTchar(text.charCodeAt(i))) return false
  return true
}

class Malformed {
  constructor(
    readonly reason: string,
    readonly at: number,
  ) {}
}

/** A cursor over the header text; every read method either advances or throws `Malformed`. */
class Scanner {
  pos = 0
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length
  }
  peek(): number {
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos) : -1
  }
  skipOws(): void {
    while (isOws(this.peek())) this.pos++
  }
  token(): string {
    const start = this.pos
    while (isTchar(this.peek())) this.pos++
    if (this.pos === start) throw new Malformed('expected a token', start)
    return this.text.slice(start, this.pos)
  }
  /** quoted-string (RFC 9110 §5.6.4) whose unescaped content must be a token (RFC 6455 §9.1). */
  quotedToken(): string {
    const start = this.pos
    this.pos++ // the opening DQUOTE
    let value = ''
    for (;;) {
      const code = this.peek()
      if (code === -1) throw new Malformed('unterminated quoted-string', start)
      this.pos++
      if (code === 0x22) break
      if (code === 0x5c) {
        const escaped = this.peek()
        if (escaped === -1) throw new Malformed('unterminated quoted-string', start)
        this.pos++
        value += String.fromCharCode(escaped)
      } else value += String.fromCharCode(code)
    }
    if (!isToken(value)) throw new Malformed('a quoted value must be a token', start)
    return value
  }
}

function readParam(s: Scanner): readonly [string, string | true] {
  const name = s.token()
  s.skipOws()
  if (s.peek() !== 0x3d) return [name, true]
  s.pos++ // '='
  s.skipOws()
  return [name, s.peek() === 0x22 ? s.quotedToken() : s.token()]
}

function readOffer(s: Scanner): ExtensionOffer {
  const name = s.token()
  const params: Array<readonly [string, string | true]> = []
  s.skipOws()
  while (s.peek() === 0x3b) {
    s.pos++ // ';'
    s.skipOws()
    params.push(readParam(s))
    s.skipOws()
  }
  return { name, params }
}

/**
 * Parses a `Sec-WebSocket-Extensions` value (RFC 6455 §9.1 `extension-list`, with the list rule of
 * RFC 9110 §5.6.1: optional whitespace around `,` `;` `=`, empty elements ignored). Several header
 * lines are one list: pass them joined with `, ` or as an array. Never throws; malformed text is
 * reported with its offset.
 *
 * @param header - the field value(s)
 * @returns the offers in order, or why the text is malformed
 * @example
 * ```ts
 * const parsed = parseExtensions('permessage-deflate; client_max_window_bits, x-webkit-deflate-frame')
 * if (parsed.ok) parsed.offers.map((o) => o.name) // ['permessage-deflate', 'x-webkit-deflate-frame']
 * ```
 */
export function parseExtensions(header: string | readonly string[]): ParsedExtensions {
  const s = new Scanner(typeof header === 'string' ? header : header.join(', '))
  const offers: ExtensionOffer[] = []
  try {
    for (;;) {
      s.skipOws()
      if (s.done) break
      if (s.peek() !== 0x2c) {
        offers.push(readOffer(s))
        if (s.done) break
        if (s.peek() !== 0x2c) throw new Malformed("expected ',' or ';'", s.pos)
      }
      s.pos++ // ','
    }
  } catch (err) {
    if (err instanceof Malformed) return { ok: false, reason: err.reason, at: err.at }
    throw err
  }
  return { ok: true, offers }
}
