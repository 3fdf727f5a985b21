import { isSafeFieldValue, isToken } from './field-validation.js'

/** Fields the core owns: a middleware may not set them, the writer derives them. */
const FRAMING_FIELDS = new Set(['content-length', 'transfer-encoding', 'connection', 'date', 'keep-alive', 'upgrade'])

function checkName(name: string): string {
  if (typeof name !== 'string' || !isToken(name)) throw new TypeError(`Invalid header name: ${JSON.stringify(name)}`)
  return name.toLowerCase()
}

function checkValue(name: string, value: string | number): string {
  const text = typeof value === 'number' ? String(value) : value
  if (typeof text !== 'string' || !isSafeFieldValue(text)) {
    throw new TypeError(`Invalid value for header ${name}: CR, LF, NUL, other control characters and characters above U+00FF are refused`)
  }
  return text
}

/**
 * A header block prepared once and shared by many responses (e.g. the headers of a cached file),
 * so that serving it costs one string concatenation instead of validating each field again.
 *
 * @example
 * ```ts
 * const prepared = new PreparedHeaders([['Content-Type', 'text/css; charset=utf-8'], ['ETag', '"abc"']])
 * app.use(ctx => { ctx.res.status = 200; ctx.res.headers.usePrepared(prepared); ctx.res.body = css })
 * ```
 */
export class PreparedHeaders {
  /** The fields, validated. */
  readonly fields: ReadonlyArray<readonly [string, string]>
  /** Lower-cased names, index-aligned with {@link PreparedHeaders.fields}. */
  readonly lower: readonly string[]
  /** The serialized field lines (`Name: value\r\n` each), latin1. */
  readonly text: string

  /**
   * @param fields - name/value pairs; names must be tokens, values free of CR/LF/NUL
   * @throws TypeError for an invalid name or value, or a framing field (Content-Length, Transfer-Encoding, Connection, Date)
   */
  constructor(fields: Iterable<readonly [string, string | number]>) {
    const list: Array<readonly [string, string]> = []
    const lower: string[] = []
    let text = ''
    for (const [name, raw] of fields) {
      const key = checkName(name)
      if (FRAMING_FIELDS.has(key)) throw new TypeError(`${name} is set by the core, not by a prepared header block`)
      const value = checkValue(name, raw)
      list.push([name, value])
      lower.push(key)
      text += `${name}: ${value}\r\n`
    }
    this.fields = list
    this.lower = lower
    this.text = text
  }
}

/**
 * The header fields of a response. Every name and value is validated on the way in: a name must be a
 * token, a value must not contain CR, LF, NUL or other control characters (no response splitting).
 * Framing fields (`Content-Length`, `Transfer-Encoding`, `Connection`, `Date`) are owned by the core.
 *
 * @example
 * ```ts
 * app.use(async (ctx, next) => {
 *   await next()
 *   ctx.res.headers.set('X-Frame-Options', 'DENY')
 *   ctx.res.headers.append('Vary', 'Origin')
 * })
 * ```
 */
export class ResponseHeaders {
  #base: PreparedHeaders | null = null
  #lower: string[] = []
  #names: string[] = []
  #values: string[] = []

  /**
   * Replaces every field of that name with one value.
   *
   * @param name - a token
   * @param value - the field value (numbers are converted)
   * @returns this, for chaining
   * @throws TypeError for an invalid name or value, or a framing field
   */
  set(name: string, value: string | number): this {
    const key = checkName(name)
    const text = checkValue(name, value)
    if (FRAMING_FIELDS.has(key)) throw new TypeError(`${name} is set by the core from the response body and connection state`)
    this.#remove(key)
    this.#lower.push(key)
    this.#names.push(name)
    this.#values.push(text)
    return this
  }

  /**
   * Adds a field line, keeping the existing ones (for list-based fields such as `Vary`).
   *
   * @param name - a token
   * @param value - the field value
   * @returns this, for chaining
   * @throws TypeError for an invalid name or value, or a framing field
   */
  append(name: string, value: string | number): this {
    const key = checkName(name)
    const text = checkValue(name, value)
    if (FRAMING_FIELDS.has(key)) throw new TypeError(`${name} is set by the core from the response body and connection state`)
    this.#lower.push(key)
    this.#names.push(name)
    this.#values.push(text)
    return this
  }

  /**
   * The value of a field, several lines joined with `, `.
   *
   * @param name - field name, any case
   * @returns the value or undefined
   */
  get(name: string): string | undefined {
    const key = name.toLowerCase()
    let result: string | undefined
    const base = this.#base
    if (base !== null) {
      for (let i = 0; i < base.lower.length; i++) {
        if (base.lower[i] === key) {
          const v = (base.fields[i] as readonly [string, string])[1]
          result = result === undefined ? v : `${result}, ${v}`
        }
      }
    }
    const lower = this.#lower
    for (let i = 0; i < lower.length; i++) {
      if (lower[i] === key) {
        const v = this.#values[i] as string
        result = result === undefined ? v : `${result}, ${v}`
      }
    }
    return result
  }

  /**
   * Whether a field is present.
   *
   * @param name - field name, any case
   */
  has(name: string): boolean {
    const key = name.toLowerCase()
    return this.#lower.includes(key) || (this.#base !== null && this.#base.lower.includes(key))
  }

  /**
   * Removes every line of a field.
   *
   * @param name - field name, any case
   * @returns whether something was removed
   */
  delete(name: string): boolean {
    return this.#remove(name.toLowerCase())
  }

  /** Removes every field, prepared ones included. */
  clear(): void {
    this.#base = null
    this.#lower = []
    this.#names = []
    this.#values = []
  }

  /**
   * Uses a prepared header block as the base of this response (fields added later go after it).
   * Replaces any prepared block used before; fields set individually are kept.
   *
   * @param prepared - the shared block
   */
  usePrepared(prepared: PreparedHeaders): void {
    this.#base = prepared
  }

  /** Iterates `[name, value]` per field line, prepared ones first. */
  *entries(): IterableIterator<[string, string]> {
    const base = this.#base
    if (base !== null) for (const [n, v] of base.fields) yield [n, v]
    for (let i = 0; i < this.#names.length; i++) yield [this.#names[i] as string, this.#values[i] as string]
  }

  /** Same as {@link ResponseHeaders.entries}. */
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries()
  }

  /**
   * The serialized field lines (`Name: value\r\n` each).
   * @internal
   */
  serialize(): string {
    let text = this.#base === null ? '' : this.#base.text
    const names = this.#names
    const values = this.#values
    for (let i = 0; i < names.length; i++) text += `${names[i]}: ${values[i]}\r\n`
    return text
  }

  #remove(key: string): boolean {
    let removed = false
    const base = this.#base
    if (base !== null && base.lower.includes(key)) {
      // Materialize the shared block so one of its fields can go.
      this.#base = null
      const lower: string[] = []
      const names: string[] = []
      const values: string[] = []
      for (let i = 0; i < base.fields.length; i++) {
        const [n, v] = base.fields[i] as readonly [string, string]
        if (base.lower[i] === key) continue
        lower.push(base.lower[i] as string)
        names.push(n)
        values.push(v)
      }
      this.#lower = lower.concat(this.#lower)
      this.#names = names.concat(this.#names)
      this.#values = values.concat(this.#values)
      removed = true
    }
    if (!this.#lower.includes(key)) return removed
    for (let i = this.#lower.length - 1; i >= 0; i--) {
      if (this.#lower[i] === key) {
        this.#lower.splice(i, 1)
        this.#names.splice(i, 1)
        this.#values.splice(i, 1)
      }
    }
    return true
  }
}
