/**
 * A validator for the small subset of JSON Schema that `tinyhttp.json`'s schema is written in. The
 * schema we publish and the checks we run are the same object, so they cannot disagree; a keyword
 * outside the subset is refused when the schema is checked ({@link schemaKeywordProblem}), so the
 * published file never promises a check this code does not make.
 *
 * @module
 */

/**
 * The subset of JSON Schema (draft-07) used: `type` (one of boolean, string, integer, array, object),
 * `enum`, `anyOf`, `minimum`/`maximum`, `minLength`, `pattern`, `items`/`minItems`, and
 * `properties`/`required`/`additionalProperties: false`; plus the annotations `description`, `default`,
 * `title`, `$schema` and VS Code's `patternErrorMessage`.
 *
 * @example
 * ```ts
 * const port: JsonSchema = { type: 'integer', minimum: 0, maximum: 65535, description: 'port to listen on' }
 * ```
 */
export interface JsonSchema {
  readonly type?: 'boolean' | 'string' | 'integer' | 'array' | 'object'
  readonly enum?: readonly (string | number)[]
  readonly anyOf?: readonly JsonSchema[]
  readonly minimum?: number
  readonly maximum?: number
  readonly minLength?: number
  readonly pattern?: string
  /** Said in words when the pattern fails (`a host name like docs.example`); VS Code shows it too. */
  readonly patternErrorMessage?: string
  readonly items?: JsonSchema
  readonly minItems?: number
  readonly properties?: Readonly<Record<string, JsonSchema>>
  readonly required?: readonly string[]
  readonly additionalProperties?: false
  readonly description?: string
  readonly default?: unknown
  readonly title?: string
  readonly $schema?: string
}

/**
 * Called with the key path (`redirects[0].type`) and what is wrong; never returns.
 *
 * @example
 * ```ts
 * const fail: SchemaFail = (key, reason) => {
 *   throw new Error(`${key}: ${reason}`)
 * }
 * ```
 */
export type SchemaFail = (key: string, reason: string) => never

const KEYWORDS: ReadonlySet<string> = new Set([
  'type', 'enum', 'anyOf', 'minimum', 'maximum', 'minLength', 'pattern', 'patternErrorMessage', 'items', 'minItems',
  'properties', 'required', 'additionalProperties', 'description', 'default', 'title', '$schema',
])

/**
 * Finds a keyword this validator does not implement, anywhere in a schema.
 *
 * @param schema - the schema
 * @param at - where it sits, for the message
 * @returns a description of the first unknown keyword, or undefined
 * @example
 * ```ts
 * schemaKeywordProblem({ type: 'string', format: 'uri' } as JsonSchema) // '(root): keyword "format" is not implemented'
 * ```
 */
export function schemaKeywordProblem(schema: JsonSchema, at = '(root)'): string | undefined {
  for (const k of Object.keys(schema)) if (!KEYWORDS.has(k)) return `${at}: keyword ${JSON.stringify(k)} is not implemented`
  const nested: Array<[JsonSchema, string]> = []
  for (const [i, s] of (schema.anyOf ?? []).entries()) nested.push([s, `${at}.anyOf[${i}]`])
  if (schema.items !== undefined) nested.push([schema.items, `${at}.items`])
  for (const [k, s] of Object.entries(schema.properties ?? {})) nested.push([s, `${at}.${k}`])
  for (const [s, where] of nested) {
    const problem = schemaKeywordProblem(s, where)
    if (problem !== undefined) return problem
  }
  return undefined
}

/**
 * What a schema accepts, in words (`an integer from 0 to 65535`, `"text" or "json"`).
 *
 * @param schema - the schema
 * @returns a phrase that follows "must be"
 * @example
 * ```ts
 * describeSchema({ anyOf: [{ type: 'boolean' }, { type: 'string' }] }) // 'true or false, or a string'
 * ```
 */
export function describeSchema(schema: JsonSchema): string {
  if (schema.enum !== undefined) return orList(schema.enum.map(v => JSON.stringify(v)))
  if (schema.anyOf !== undefined) return orList(schema.anyOf.map(describeSchema), ', or ')
  switch (schema.type) {
    case 'boolean':
      return 'true or false'
    case 'integer': {
      const { minimum: min, maximum: max } = schema
      if (min !== undefined && max !== undefined) return `an integer from ${min} to ${max}`
      if (min !== undefined) return `an integer ≥ ${min}`
      return 'an integer'
    }
    case 'string':
      return schema.patternErrorMessage ?? (schema.minLength !== undefined && schema.minLength > 0 ? 'a non-empty string' : 'a string')
    case 'array':
      return schema.items === undefined ? 'an array' : `an array of ${plural(describeSchema(schema.items))}`
    case 'object':
      return 'an object'
    default:
      return 'anything'
  }
}

function orList(items: readonly string[], last = ' or '): string {
  if (items.length <= 1) return items[0] ?? 'nothing'
  return items.slice(0, -1).join(', ') + last + (items[items.length - 1] as string)
}

function plural(phrase: string): string {
  return phrase.replace(/^an? (non-empty )?string$/, '$1strings').replace(/^an? object$/, 'objects').replace(/^an? (.*)$/, '$1')
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Whether a value matches a schema (for `anyOf`), without reporting. */
function matches(value: unknown, schema: JsonSchema): boolean {
  try {
    validateValue(value, schema, '', (): never => {
      throw MISMATCH
    })
    return true
  } catch (err) {
    if (err === MISMATCH) return false
    throw err
  }
}
const MISMATCH = Symbol('mismatch')

/**
 * Checks a value against a schema and calls `fail` with the key path of the first fault.
 *
 * @param value - a value from `JSON.parse`
 * @param schema - the schema ({@link JsonSchema}'s subset)
 * @param key - the key path of `value` (`''` at the top)
 * @param fail - reports the fault (throws)
 * @example
 * ```ts
 * validateValue({ port: -1 }, schema, '', (key, reason) => { throw new Error(`${key}: ${reason}`) })
 * // Error: port: must be an integer from 0 to 65535
 * ```
 */
export function validateValue(value: unknown, schema: JsonSchema, key: string, fail: SchemaFail): void {
  const where = key === '' ? '(top level)' : key
  const wrong = (): never => fail(where, `must be ${describeSchema(schema)}`)
  if (schema.enum !== undefined) {
    if (!schema.enum.some(v => v === value)) wrong()
    return
  }
  if (schema.anyOf !== undefined) {
    if (!schema.anyOf.some(s => matches(value, s))) {
      // One alternative of the right JSON type: its own, more precise, message (an array's bad item).
      const sameType = schema.anyOf.filter(s => s.type !== undefined && jsonType(value) === s.type)
      if (sameType.length === 1) validateValue(value, sameType[0] as JsonSchema, key, fail)
      wrong()
    }
    return
  }
  switch (schema.type) {
    case 'boolean':
      if (typeof value !== 'boolean') wrong()
      return
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) wrong()
      if (schema.minimum !== undefined && (value as number) < schema.minimum) wrong()
      if (schema.maximum !== undefined && (value as number) > schema.maximum) wrong()
      return
    case 'string':
      if (typeof value !== 'string') wrong()
      if (schema.minLength !== undefined && [...(value as string)].length < schema.minLength) wrong()
      if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value as string)) wrong()
      return
    case 'array': {
      if (!Array.isArray(value)) wrong()
      const list = value as unknown[]
      if (schema.minItems !== undefined && list.length < schema.minItems) fail(where, schema.minItems === 1 ? 'must not be empty' : `needs at least ${schema.minItems} items`)
      if (schema.items !== undefined) for (const [i, item] of list.entries()) validateValue(item, schema.items, `${key}[${i}]`, fail)
      return
    }
    case 'object':
      validateObject(value, schema, key, wrong, fail)
      return
    default:
      return
  }
}

function validateObject(value: unknown, schema: JsonSchema, key: string, wrong: () => never, fail: SchemaFail): void {
  if (!isObject(value)) wrong()
  const obj = value as Record<string, unknown>
  const props = schema.properties ?? {}
  const prefix = key === '' ? '' : `${key}.`
  for (const k of Object.keys(obj)) {
    const sub = Object.hasOwn(props, k) ? props[k] : undefined
    if (sub === undefined) {
      if (schema.additionalProperties === false) fail(`${prefix}${k}`, unknownKey(k, Object.keys(props)))
      continue
    }
    validateValue(obj[k], sub, `${prefix}${k}`, fail)
  }
  for (const k of schema.required ?? []) if (!Object.hasOwn(obj, k)) fail(`${prefix}${k}`, 'missing')
}

const fold = (s: string): string => s.toLowerCase().replace(/[-_]/g, '')

/** `unknown key`, with the known key it most likely means (`max-age` → `maxAge`). */
function unknownKey(k: string, known: readonly string[]): string {
  const same = known.find(name => fold(name) === fold(k))
  return same === undefined ? 'unknown key' : `unknown key (did you mean ${JSON.stringify(same)}?)`
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array'
  if (value === null) return 'null'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}
