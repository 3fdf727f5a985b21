/**
 * The header fields of a response as they arrived: case-insensitive lookup, and every field line in the
 * order received with its name as sent (duplicates kept, `Set-Cookie` included).
 *
 * @example
 * ```ts
 * const res = await app.inject({ target: '/index.html' })
 * res.headers.get('content-type') // 'text/html; charset=utf-8'
 * res.headers.getAll('set-cookie') // ['a=1', 'b=2']
 * for (const [name, value] of res.headers) console.log(`${name}: ${value}`) // names as sent
 * ```
 */
export class ReceivedHeaders implements Iterable<[string, string]> {
  readonly #fields: ReadonlyArray<readonly [string, string]>

  /** @param fields - `[name, value]` per field line, in order, names as sent, values trimmed */
  constructor(fields: ReadonlyArray<readonly [string, string]>) {
    this.#fields = fields
  }

  /**
   * The value of a field, its field lines joined with `', '` (RFC 9110 §5.3).
   *
   * @param name - any case
   * @returns the value, or `undefined` when absent
   */
  get(name: string): string | undefined {
    const values = this.getAll(name)
    return values.length === 0 ? undefined : values.join(', ')
  }

  /**
   * The value of every field line of that name, in order (one per `Set-Cookie` line).
   *
   * @param name - any case
   * @returns the values; empty when absent
   */
  getAll(name: string): string[] {
    const lower = name.toLowerCase()
    const values: string[] = []
    for (const [n, v] of this.#fields) if (n.toLowerCase() === lower) values.push(v)
    return values
  }

  /**
   * Whether at least one field line has this name.
   *
   * @param name - any case
   */
  has(name: string): boolean {
    return this.getAll(name).length > 0
  }

  /** Number of field lines. */
  get size(): number {
    return this.#fields.length
  }

  /** Every field line as `[name as sent, value]`, in the order received. */
  *entries(): IterableIterator<[string, string]> {
    for (const [n, v] of this.#fields) yield [n, v]
  }

  /** Shows the field lines in `console.log` / `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): Array<readonly [string, string]> {
    return [...this.#fields]
  }

  /** Same as {@link ReceivedHeaders.entries}. */
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries()
  }
}
