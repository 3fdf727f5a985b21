/**
 * The option keys of `tinyhttp.json`, derived from the command line's {@link FLAGS}: every flag is a
 * key (its name in camelCase, `--max-age` → `maxAge`) whose JSON type follows the flag's kind, made
 * stricter here where the value is a number, a choice or a list of origins. A flag added to `FLAGS`
 * appears in the file and in the schema with no change here.
 *
 * @module
 */
import { FLAGS, type FlagName, type FlagSpec } from './args.js'
import type { JsonSchema } from './schema-validate.js'

/**
 * Flags that exist on the command line only: they run an action (`--help`, `--version`,
 * `--print-schema`, `--check`) or choose the file itself (`--config`).
 *
 * @example
 * ```ts
 * COMMAND_LINE_ONLY.has('check') // true: a config file never turns a server into a dry run
 * ```
 */
export const COMMAND_LINE_ONLY: ReadonlySet<string> = new Set(['help', 'version', 'print-schema', 'check', 'config'])

/**
 * How a path in the file is read: `'file-folder'` against the folder holding the config file (files that
 * live outside the served root: the root itself, the allow file, the TLS files); options not listed here
 * keep their command-line meaning (allow entries and `spa` are relative to the root).
 *
 * @example `const base: PathBase = 'file-folder'`
 */
export type PathBase = 'file-folder'

/**
 * One option key of the config file.
 *
 * @example
 * ```ts
 * const o: ConfigOption = { key: 'tlsCert', flag: 'tls-cert', schema: { type: 'string', minLength: 1 }, pathBase: 'file-folder' }
 * ```
 */
export interface ConfigOption {
  /** The key in the file (`maxAge`). */
  readonly key: string
  /** The flag it stands for (`max-age`). */
  readonly flag: FlagName
  /** What the value must be. */
  readonly schema: JsonSchema
  /** Set for keys holding a path that is read against the config file's folder. */
  readonly pathBase?: PathBase
}

/**
 * The camelCase key of a flag name.
 *
 * @param name - a long flag name (`allow-file`)
 * @returns the key (`allowFile`)
 * @example
 * ```ts
 * camelCase('security-headers') // 'securityHeaders'
 * ```
 */
export function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

const nonEmptyString: JsonSchema = { type: 'string', minLength: 1 }
const stringList: JsonSchema = { type: 'array', items: nonEmptyString }

/** Most worker processes; `MAX_WORKERS` in config.ts (a test keeps them equal). */
const MAX_WORKERS = 256
/** Largest `--max-age`, ten years; the same bound as config.ts (a test keeps them equal). */
const MAX_AGE = 315_360_000

/** Stricter types than the flag's kind gives, by flag name. */
const TYPES: Partial<Record<FlagName, JsonSchema>> = {
  port: { type: 'integer', minimum: 0, maximum: 65535 },
  cors: { anyOf: [{ type: 'boolean' }, nonEmptyString, { type: 'array', items: nonEmptyString, minItems: 1 }] },
  'max-age': { type: 'integer', minimum: 0, maximum: MAX_AGE },
  cache: { enum: ['spa'] },
  'not-found': { enum: [403, 404] },
  workers: { type: 'integer', minimum: 0, maximum: MAX_WORKERS },
  'drain-delay': { type: 'integer', minimum: 0, maximum: 3600 },
  'log-format': { enum: ['text', 'json'] },
  dev: { anyOf: [{ type: 'boolean' }, { enum: ['public'] }] },
}

/** Keys whose relative paths are read against the config file's folder. */
const PATHS: ReadonlySet<string> = new Set(['allow-file', 'tls-cert', 'tls-key'])

/** The JSON type a flag of this kind takes, when {@link TYPES} says nothing more precise. */
function typeOfKind(spec: FlagSpec): JsonSchema {
  switch (spec.kind) {
    case 'boolean':
      return { type: 'boolean' }
    case 'value':
      return nonEmptyString
    case 'list':
      return stringList
    case 'optional':
      return { anyOf: [{ type: 'boolean' }, nonEmptyString] }
  }
}

/**
 * The `root` key: the folder to serve (the positional argument), relative to the config file's folder.
 *
 * @example
 * ```ts
 * ROOT_OPTION.schema // { type: 'string', minLength: 1, description: … }
 * ```
 */
export const ROOT_OPTION = {
  key: 'root',
  schema: { ...nonEmptyString, description: 'folder to serve, relative to this file (the command line\'s root argument wins)', default: './public' },
} as const

/**
 * Every option key, in `--help` order: one for each flag of {@link FLAGS} that is not
 * {@link COMMAND_LINE_ONLY}.
 *
 * @returns the keys with their JSON types, descriptions and defaults
 * @example
 * ```ts
 * configOptions().find(o => o.key === 'maxAge')?.schema // { type: 'integer', minimum: 0, … }
 * ```
 */
export function configOptions(): readonly ConfigOption[] {
  const out: ConfigOption[] = []
  for (const spec of FLAGS as readonly FlagSpec[]) {
    if (COMMAND_LINE_ONLY.has(spec.name)) continue
    const name = spec.name as FlagName
    const description = spec.defaultText === undefined ? spec.description : `${spec.description} (default: ${spec.defaultText})`
    const schema: JsonSchema = { ...(TYPES[name] ?? typeOfKind(spec)), description }
    out.push({ key: camelCase(name), flag: name, schema, ...(PATHS.has(name) ? { pathBase: 'file-folder' as const } : {}) })
  }
  return out
}
