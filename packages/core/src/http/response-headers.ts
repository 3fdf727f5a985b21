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
 * The one shape of a header block, in a {@link PreparedHeaders} and in a {@link ResponseHeaders} alike:
 * flat `[lower, name, value, lower, name, value, …]`, one triple per field line, in wire order (the
 * lower-cased name to match on, the name as set, the validated value).
 */
type FieldList = readonly string[]

/** The index of the first triple of `list` whose lower-cased name is `key`, or -1. */
function indexOfField(list: FieldList, key: string): number {
  for (let i = 0; i < list.length; i += 3) if (list[i] === key) return i
  return -1
}

/** The field lines of `list`, serialized (`Name: value\r\n` each). */
function serializeFields(list: FieldList): string {
  let text = ''
  for (let i = 0; i < list.length; i += 3) text += `${list[i + 1]}: ${list[i + 2]}\r\n`
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
  /**
   * The fields, validated, flat `[lower, name, value, …]` like {@link ResponseHeaders.ownFields}.
   * @internal
   */
  readonly fields: FieldList
  /** The serialized field lines (`Name: value\r\n` each), latin1: what the head encoder writes. */
  readonly text: string
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
    const list: string[] = []
    for (const [name, raw] of fields) {
      const key = checkName(name)
      if (FRAMING_FIELDS.has(key)) throw new TypeError(`${name} is set by the core, not by a prepared header block`)
      list.push(key, name, checkValue(name, raw))
    }
    this.fields = list
    this.text = serializeFields(list)
    this.hasContentType = indexOfField(list, 'content-type') !== -1
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
  /** The fields set one by one, in the shape of a prepared block's (flat `[lower, name, value, …]`), created on the first field. */
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
    this.#add(key, name, text)
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
    this.#add(key, name, text)
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
    if (base !== null) result = joinValues(base.fields, key, result)
    const fields = this.#fields
    if (fields !== null) result = joinValues(fields, key, result)
    return result
  }

  /**
   * Whether a field is present.
   *
   * @param name - field name, any case
   */
  has(name: string): boolean {
    const key = name.toLowerCase()
    return this.#indexOf(key) !== -1 || (this.#base !== null && indexOfField(this.#base.fields, key) !== -1)
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
    for (let i = fields.length - 3; i >= 0; i -= 3) if (indexOfField(prepared.fields, fields[i] as string) !== -1) fields.splice(i, 3)
  }

  /** Iterates `[name, value]` per field line, prepared ones first. */
  *entries(): IterableIterator<[string, string]> {
    const base = this.#base
    if (base !== null) for (let i = 0; i < base.fields.length; i += 3) yield [base.fields[i + 1] as string, base.fields[i + 2] as string]
    const fields = this.#fields
    if (fields !== null) for (let i = 0; i < fields.length; i += 3) yield [fields[i + 1] as string, fields[i + 2] as string]
  }

  /** Same as {@link ResponseHeaders.entries}. */
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries()
  }

  /**
   * The prepared block in use ({@link ResponseHeaders.usePrepared}), or null (none, or one of its fields
   * was deleted or replaced since, which copies the rest into the response's own fields).
   *
   * @example
   * ```ts
   * ctx.res.headers.usePrepared(block)
   * ctx.res.headers.prepared === block // true
   * ```
   */
  get prepared(): PreparedHeaders | null {
    return this.#base
  }

  /**
   * Whether the response has fields of its own besides its prepared block (set, appended, or left over
   * from deleting a prepared field). False for empty headers and for a bare prepared block: then
   * {@link ResponseHeaders.prepared} is the whole of the headers, so a layer that prepared that block
   * knows exactly what the response carries.
   *
   * @example
   * ```ts
   * ctx.res.headers.usePrepared(block)
   * ctx.res.headers.hasOwnFields // false
   * ctx.res.headers.set('X-Frame-Options', 'DENY')
   * ctx.res.headers.hasOwnFields // true
   * ```
   */
  get hasOwnFields(): boolean {
    return this.#fields !== null
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
    const fields = this.#fields
    return fields === null ? '' : serializeFields(fields)
  }

  /** Appends one line; the first one makes an array of exactly three (an empty `[]` grows to 17 slots on its first push). */
  #add(key: string, name: string, text: string): void {
    const fields = this.#fields
    if (fields === null) this.#fields = [key, name, text]
    else fields.push(key, name, text)
  }

  #indexOf(key: string): number {
    const fields = this.#fields
    return fields === null ? -1 : indexOfField(fields, key)
  }

  #remove(key: string): boolean {
    let removed = false
    const base = this.#base
    if (base !== null && indexOfField(base.fields, key) !== -1) {
      // Materialize the shared block (same shape) so one of its fields can go.
      this.#base = null
      const flat: string[] = []
      const list = base.fields
      for (let i = 0; i < list.length; i += 3) if (list[i] !== key) flat.push(list[i] as string, list[i + 1] as string, list[i + 2] as string)
      this.#fields = this.#fields === null ? flat : flat.concat(this.#fields)
      removed = true
    }
    if (this.#indexOf(key) === -1) return removed
    const fields = this.#fields as string[]
    for (let i = fields.length - 3; i >= 0; i -= 3) if (fields[i] === key) fields.splice(i, 3)
    return true
  }
}

/** `prior` and the values of every `key` line of `list`, joined with `, `. */
function joinValues(list: FieldList, key: string, prior: string | undefined): string | undefined {
  let result = prior
  for (let i = 0; i < list.length; i += 3) {
    if (list[i] === key) {
      const v = list[i + 2] as string
      result = result === undefined ? v : `${result}, ${v}`
    }
  }
  return result
}
