/**
 * Encoded response heads remembered per prepared header block.
 *
 * A file served from memory gets the same head on every request within one second: the same status,
 * the same prepared block, the same few fields set on top (e.g. `Access-Control-Allow-Origin: *`), the
 * same `Content-Length`, the same `Date`. Instead of concatenating and encoding that head each time,
 * the encoded bytes are kept on the block, keyed by everything that went into them, and reused until
 * the `Date` line changes. A miss costs one comparison per entry; nothing is ever served from an
 * entry whose key differs in any part.
 *
 * @internal
 */

/** Entries kept per prepared block (GET, HEAD, 304, `Connection: close` variants, …), replaced in turn. */
const MEMO_ENTRIES = 4

/** {@link HeadKey.length} of a response without content and without `Content-Length`. */
export const NO_LENGTH = -1
/** {@link HeadKey.length} of a response sent with `Transfer-Encoding: chunked`. */
export const CHUNKED = -2
/** {@link HeadKey.connection}: no `Connection` line (HTTP/1.1 keep-alive). */
export const CONNECTION_NONE = 0
/** {@link HeadKey.connection}: `Connection: close`. */
export const CONNECTION_CLOSE = 1
/** {@link HeadKey.connection}: `Connection: keep-alive` (to an HTTP/1.0 client). */
export const CONNECTION_KEEP_ALIVE = 2

/** The key of one encoded head: every input of the bytes except the prepared block itself. */
export interface HeadKey {
  /** Status code. */
  status: number
  /** The fields set after the prepared block, flat `[lower, name, value, …]` as `ResponseHeaders` keeps them, or null. */
  own: readonly string[] | null
  /** Framing: the `Content-Length` value, {@link NO_LENGTH} (1xx, 204, 304) or {@link CHUNKED}. */
  length: number
  /** The `Connection` line: {@link CONNECTION_NONE}, {@link CONNECTION_CLOSE} or {@link CONNECTION_KEEP_ALIVE}. */
  connection: number
  /** The `Date` line in use (the cached string of the current second). */
  date: string
}

interface Entry extends HeadKey {
  own: string[] | null
  bytes: Buffer
  /** The body last joined to this head ({@link HeadMemo.whole}), or null. */
  body: Uint8Array | null
  /** `bytes` followed by `body`: the whole response, or null. */
  whole: Buffer | null
}

/** Largest body joined to its head in one remembered buffer ({@link HeadMemo.whole}). */
export const WHOLE_MAX = 8 * 1024

/**
 * The memo of one prepared header block (`PreparedHeaders.memo`).
 * @internal
 */
export class HeadMemo {
  readonly #entries: Entry[] = []
  #next = 0

  /**
   * The bytes remembered for this key, or undefined (positional, so a lookup allocates nothing).
   *
   * @param status - {@link HeadKey.status}
   * @param own - {@link HeadKey.own}
   * @param length - {@link HeadKey.length}
   * @param connection - {@link HeadKey.connection}
   * @param date - {@link HeadKey.date}
   */
  get(status: number, own: readonly string[] | null, length: number, connection: number, date: string): Buffer | undefined {
    const entries = this.#entries
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as Entry
      if (e.status === status && e.length === length && e.connection === connection && e.date === date && sameFields(e.own, own)) return e.bytes
    }
    return undefined
  }

  /**
   * Head and body in one buffer, remembered on the head's entry: a small file served from memory is
   * then written as one buffer that already exists, as the raw-net peer writes its canned answer (no
   * copy into the output's buffer, no new view on it). Made again when the body is another one (the
   * file changed) and with each new head (each second). Null when the head is not one of this memo's
   * entries or the body is larger than {@link WHOLE_MAX}.
   *
   * @param head - bytes returned by {@link HeadMemo.get} or passed to {@link HeadMemo.set}
   * @param body - the body that follows it, never modified afterwards
   * @returns the whole response, or null
   */
  whole(head: Buffer, body: Uint8Array): Buffer | null {
    if (body.length > WHOLE_MAX) return null
    const entries = this.#entries
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as Entry
      if (entry.bytes !== head) continue
      if (entry.body !== body || entry.whole === null) {
        const whole = Buffer.allocUnsafeSlow(head.length + body.length)
        whole.set(head, 0)
        whole.set(body, head.length)
        entry.body = body
        entry.whole = whole
      }
      return entry.whole
    }
    return null
  }

  /**
   * Remembers the bytes of a head (dropping the entries of an older second, and one of the others in turn when full).
   *
   * @param key - the inputs of the bytes; `own` is copied
   * @param bytes - the encoded head, never modified afterwards
   */
  set(key: HeadKey, bytes: Buffer): void {
    const entries = this.#entries
    for (let i = entries.length - 1; i >= 0; i--) if ((entries[i] as Entry).date !== key.date) entries.splice(i, 1)
    const entry: Entry = { status: key.status, own: key.own === null ? null : key.own.slice(), length: key.length, connection: key.connection, date: key.date, bytes, body: null, whole: null }
    if (entries.length < MEMO_ENTRIES) {
      entries.push(entry)
      return
    }
    this.#next = (this.#next + 1) % MEMO_ENTRIES
    entries[this.#next] = entry
  }
}

function sameFields(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === b) return true
  const la = a === null ? 0 : a.length
  const lb = b === null ? 0 : b.length
  if (la !== lb) return false
  for (let i = 0; i < la; i++) if ((a as readonly string[])[i] !== (b as readonly string[])[i]) return false
  return true
}
