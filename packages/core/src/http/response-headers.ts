import { isSafeFieldValue, isToken } from './field-validation.js'
import type { HeadMemo } from './head-memo.js'

/** Fields the core owns: a middleware may not set them, the writer derives them. */
const FRAMING_FIELDS = new Set(['content-length', 'transfer-encoding', 'connection', 'date', 'keep-alive', 'upgrade'])

/** Field names already validated, with their lower-cased form (names are nearly always constants). */
const validNames = new Map<string, string>()
const VALID_NAMES_MAX = 512

function checkName(name: string): string {
  const known = validNames.get(name)
  if (known !== undefined) return known
  if (typeof name !== 'string' || !isToken(name)) throw new TypeError(`Invalid header name: ${JSON.stringify(name)}`)
  const lower = name.toLowerCase()
  if (validNames.size < VALID_NAMES_MAX) validNames.set(name, lower)
  return lower
}

/** Short values already validated (most are constants: `*`, `bytes`, `nosniff`, joined header lists). */
const validValues = new Set<string>()
const VALID_VALUES_MAX = 1024

function checkValue(name: string, value: string | number): string {
  const text = typeof value === 'number' ? String(value) : value
  if (validValues.has(text)) return text
  if (typeof text !== 'string' || !isSafeFieldValue(text)) {
    throw new TypeError(`Invalid value for header ${name}: CR, LF, NUL, other control characters and characters above U+00FF are refused`)
  }
  if (text.length <= 256 && validValues.size < VALID_VALUES_MAX) validValues.add(text)
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
  /** {@link PreparedHeaders.text} encoded once. */
  readonly bytes: Buffer
  /**
   * Whether the block has a `Content-Type` (then the core adds no default type).
   * @internal
   */
  readonly hasContentType: boolean
  /**
   * Whole response heads built on this block, reused while nothing that went into them changes.
   * @internal
   */
  memo: HeadMemo | null = null

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
    this.bytes = Buffer.from(text, 'latin1')
    this.hasContentType = lower.includes('content-type')
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
  /** Flat `[lower, name, value, lower, name, value, …]`, created on the first field. */
  #fields: string[] | null = null

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
    ;(this.#fields ??= []).push(key, name, text)
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
    ;(this.#fields ??= []).push(key, name, text)
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
    const fields = this.#fields
    if (fields !== null) {
      for (let i = 0; i < fields.length; i += 3) {
        if (fields[i] === key) {
          const v = fields[i + 2] as string
          result = result === undefined ? v : `${result}, ${v}`
        }
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
    return this.#indexOf(key) !== -1 || (this.#base !== null && this.#base.lower.includes(key))
  }

  /**
   * Whether a `Content-Type` is set: a flag of the prepared block, else a scan of the own fields.
   * @internal
   */
  hasContentType(): boolean {
    const base = this.#base
    return (base !== null && base.hasContentType) || this.#indexOf('content-type') !== -1
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

  /**
   * Adds field names to `Vary` without clobbering what is there: names already listed (any case) are
   * skipped, nothing is added when `Vary: *` is present, and the rest goes on one new field line.
   *
   * @param names - the field names the response depends on, e.g. `['Origin']`
   * @returns this, for chaining
   * @example
   * ```ts
   * app.use(async (ctx, next) => {
   *   await next()
   *   ctx.res.headers.vary(['Origin']) // keeps a `Vary: Accept-Encoding` set by static
   * })
   * ```
   */
  vary(names: readonly string[]): this {
    const existing = this.get('vary')
    if (existing === undefined) return this.append('Vary', names.join(', '))
    const present = existing.toLowerCase().split(',')
    for (let i = 0; i < present.length; i++) {
      const name = (present[i] as string).trim()
      if (name === '*') return this
      present[i] = name
    }
    let missing = ''
    for (const name of names) {
      if (present.includes(name.toLowerCase())) continue
      missing = missing === '' ? name : `${missing}, ${name}`
    }
    if (missing !== '') this.append('Vary', missing)
    return this
  }

  /** Removes every field, prepared ones included. */
  clear(): void {
    this.#base = null
    this.#fields = null
  }

  /**
   * Uses a prepared header block as the base of this response (fields added later go after it).
   * Replaces any prepared block used before; fields set individually before are kept unless the block
   * has a field of the same name (then the block's value wins, as with {@link ResponseHeaders.set}).
   *
   * @param prepared - the shared block
   */
  usePrepared(prepared: PreparedHeaders): void {
    this.#base = prepared
    const fields = this.#fields
    if (fields === null) return
    // Like set(): a prepared field replaces the lines of that name set before.
    for (let i = fields.length - 3; i >= 0; i -= 3) if (prepared.lower.includes(fields[i] as string)) fields.splice(i, 3)
  }

  /** Iterates `[name, value]` per field line, prepared ones first. */
  *entries(): IterableIterator<[string, string]> {
    const base = this.#base
    if (base !== null) for (const [n, v] of base.fields) yield [n, v]
    const fields = this.#fields
    if (fields !== null) for (let i = 0; i < fields.length; i += 3) yield [fields[i + 1] as string, fields[i + 2] as string]
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
    const fields = this.#fields
    if (fields !== null) for (let i = 0; i < fields.length; i += 3) text += `${fields[i + 1]}: ${fields[i + 2]}\r\n`
    return text
  }

  /**
   * The prepared block in use, or null.
   * @internal
   */
  get prepared(): PreparedHeaders | null {
    return this.#base
  }

  /**
   * The fields set individually (after the prepared block), flat `[lower, name, value, …]`, or null.
   * Read-only for the caller.
   * @internal
   */
  get ownFields(): readonly string[] | null {
    return this.#fields
  }

  /**
   * The field lines set individually (after the prepared block), serialized.
   * @internal
   */
  serializeOwn(): string {
    let text = ''
    const fields = this.#fields
    if (fields !== null) for (let i = 0; i < fields.length; i += 3) text += `${fields[i + 1]}: ${fields[i + 2]}\r\n`
    return text
  }

  #indexOf(key: string): number {
    const fields = this.#fields
    if (fields === null) return -1
    for (let i = 0; i < fields.length; i += 3) if (fields[i] === key) return i
    return -1
  }

  #remove(key: string): boolean {
    let removed = false
    const base = this.#base
    if (base !== null && base.lower.includes(key)) {
      // Materialize the shared block so one of its fields can go.
      this.#base = null
      const flat: string[] = []
      for (let i = 0; i < base.fields.length; i++) {
        if (base.lower[i] === key) continue
        const [n, v] = base.fields[i] as readonly [string, string]
        flat.push(base.lower[i] as string, n, v)
      }
      this.#fields = this.#fields === null ? flat : flat.concat(this.#fields)
      removed = true
    }
    if (this.#indexOf(key) === -1) return removed
    const fields = this.#fields as string[]
    for (let i = fields.length - 3; i >= 0; i -= 3) if (fields[i] === key) fields.splice(i, 3)
    return true
  }
}
