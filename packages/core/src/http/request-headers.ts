/**
 * The header fields of a request: case-insensitive look-ups over the raw pairs as they arrived.
 *
 * @example
 * ```ts
 * app.use(ctx => {
 *   const type = ctx.req.headers.get('content-type') // 'application/json' or undefined
 *   const raw = ctx.req.headers.raw                  // ['Host', 'example.com', 'Content-Type', ...]
 * })
 * ```
 */
export class RequestHeaders {
  /** Flat `[name, value, name, value, …]` exactly as received (names as sent, values OWS-trimmed). */
  readonly raw: readonly string[]
  #lower: string[] | undefined

  /** @param raw - flat name/value pairs as produced by the parser */
  constructor(raw: readonly string[]) {
    this.raw = raw
  }

  #lowerNames(): string[] {
    let lower = this.#lower
    if (lower === undefined) {
      const raw = this.raw
      lower = new Array<string>(raw.length >> 1)
      for (let i = 0, j = 0; i < raw.length; i += 2, j++) lower[j] = (raw[i] as string).toLowerCase()
      this.#lower = lower
    }
    return lower
  }

  /**
   * The value of a field, several field lines joined with `, ` (RFC 9110 §5.3).
   *
   * @param name - field name, any case
   * @returns the combined value, or undefined when absent
   */
  get(name: string): string | undefined {
    const key = name.toLowerCase()
    const lower = this.#lowerNames()
    let result: string | undefined
    for (let j = 0; j < lower.length; j++) {
      if (lower[j] === key) {
        const value = this.raw[j * 2 + 1] as string
        result = result === undefined ? value : `${result}, ${value}`
      }
    }
    return result
  }

  /**
   * Every value of a field, one per field line.
   *
   * @param name - field name, any case
   * @returns the values in order (empty when absent)
   */
  getAll(name: string): string[] {
    const key = name.toLowerCase()
    const lower = this.#lowerNames()
    const out: string[] = []
    for (let j = 0; j < lower.length; j++) if (lower[j] === key) out.push(this.raw[j * 2 + 1] as string)
    return out
  }

  /**
   * Whether the field is present.
   *
   * @param name - field name, any case
   */
  has(name: string): boolean {
    return this.#lowerNames().includes(name.toLowerCase())
  }

  /** Number of field lines. */
  get size(): number {
    return this.raw.length >> 1
  }

  /** Iterates `[lower-cased name, value]` per field line. */
  *entries(): IterableIterator<[string, string]> {
    const lower = this.#lowerNames()
    for (let j = 0; j < lower.length; j++) yield [lower[j] as string, this.raw[j * 2 + 1] as string]
  }

  /** Same as {@link RequestHeaders.entries}. */
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries()
  }
}
