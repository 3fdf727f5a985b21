/**
 * Finding and reading the config file, and laying the command line over it: `--config FILE`, else
 * `tinyhttp.json` in the working directory when there is one, never with `--no-config`. Flags given on
 * the command line replace the file's value for the same option (a list too: `--allow` given twice
 * replaces the file's `allow`, it does not add to it).
 *
 * @module
 */
import { readFile, realpath } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve } from 'node:path'
import type { FlagValue, ParsedArgs } from './args.js'
import type { ConfigFileContents } from './config-file.js'
import { CliError, EXIT_USAGE, oneLine, runtimeError, usageError } from './errors.js'
import { camelCase } from './schema-options.js'

/**
 * The name of the config file looked for in the working directory.
 *
 * @example `join(process.cwd(), CONFIG_FILE_NAME) // …/tinyhttp.json`
 */
export const CONFIG_FILE_NAME = 'tinyhttp.json'

/**
 * A config file read from disk.
 *
 * @example
 * ```ts
 * const file: LoadedConfigFile | undefined = await readConfigFile('/srv/tinyhttp.json', 'tinyhttp.json')
 * ```
 */
export interface LoadedConfigFile extends ConfigFileContents {
  /** Its absolute path (as named, symlinks kept: what is watched). */
  readonly path: string
  /** Its real path. */
  readonly realPath: string
  /** What the command line sets, which the file cannot change: flag names, and `root` for a root argument. */
  readonly overridden: readonly string[]
}

/**
 * Where the config file is: the `--config` value, `tinyhttp.json` in `cwd`, or nowhere (`--no-config`).
 *
 * @param option - the `config` option as parsed (`undefined`, a path, or `false`)
 * @param cwd - the working directory
 * @returns the path, its name for messages, and whether it must exist; undefined for `--no-config`
 * @example
 * ```ts
 * locateConfigFile(undefined, '/srv') // { path: '/srv/tinyhttp.json', name: 'tinyhttp.json', required: false }
 * ```
 */
export function locateConfigFile(option: FlagValue | undefined, cwd: string): { path: string; name: string; required: boolean } | undefined {
  if (option === false) return undefined
  if (typeof option === 'string') return { path: resolve(cwd, option), name: option, required: true }
  return { path: join(cwd, CONFIG_FILE_NAME), name: CONFIG_FILE_NAME, required: false }
}

/**
 * Reads a config file from disk and parses it.
 *
 * @param path - absolute path
 * @param name - the file as messages name it
 * @param overridden - what the command line sets (see {@link LoadedConfigFile.overridden})
 * @returns the file's contents, or undefined when it does not exist (ENOENT)
 * @throws CliError: exit code 1 when it cannot be read, 2 for its contents (see `parseConfigFile`)
 * @example
 * ```ts
 * const file = await readConfigFile('/srv/tinyhttp.json', 'tinyhttp.json')
 * ```
 */
export async function readConfigFile(path: string, name: string, overridden: readonly string[] = []): Promise<LoadedConfigFile | undefined> {
  let realPath: string
  let text: string
  try {
    realPath = await realpath(path)
    text = await readFile(realPath, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    throw runtimeError(`cannot read config file ${path}: ${code ?? oneLine(err)}`)
  }
  // The parser and the schema validation are imported only when there is a file to read.
  const { parseConfigFile } = await import('./config-file.js')
  return { ...parseConfigFile(text, name, dirname(path)), path, realPath, overridden }
}

/**
 * Finds and reads the config file the command line asks for.
 *
 * @param args - the parsed command line
 * @param cwd - the working directory
 * @returns the file, or undefined when there is none (or `--no-config`)
 * @throws CliError: exit code 1 when a `--config` file is missing or unreadable, 2 for its contents
 * @example
 * ```ts
 * const file = await loadConfigFile(parseArgs(['--config', 'site.json']), process.cwd())
 * ```
 */
export async function loadConfigFile(args: ParsedArgs, cwd: string): Promise<LoadedConfigFile | undefined> {
  const where = locateConfigFile(args.options.config, cwd)
  if (where === undefined) return undefined
  const overridden = [...Object.keys(args.options), ...(args.root !== undefined ? ['root'] : [])]
  const file = await readConfigFile(where.path, where.name, overridden)
  if (file === undefined && where.required) throw runtimeError(`cannot read config file ${where.path}: ENOENT`)
  return file
}

/**
 * The command line laid over a config file: each option given on the command line replaces the file's,
 * and the root argument replaces the file's `root`.
 *
 * @param file - the config file, or undefined
 * @param args - the parsed command line
 * @returns what the resolver reads
 * @example
 * ```ts
 * mergeWithFile(file, parseArgs(['--no-cors'])).options.cors // false, whatever the file says
 * ```
 */
export function mergeWithFile(file: ConfigFileContents | undefined, args: ParsedArgs): ParsedArgs {
  if (file === undefined) return args
  return { root: args.root ?? file.root, options: { ...(file.options as ParsedArgs['options']), ...args.options } }
}

function isInside(root: string, file: string): boolean {
  const rel = relative(root, file)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/**
 * Refuses a config file inside the served root (it would be served, and it names the TLS key).
 *
 * @param file - the config file
 * @param root - the root's real path
 * @param rootResolved - the root before symlinks were resolved
 * @param rootArg - the root as the user gave it
 * @throws CliError (exit code 2) when the file is inside the root
 * @example
 * ```ts
 * refuseInsideRoot(file, '/srv/site', '/srv/site', 'site')
 * ```
 */
export function refuseInsideRoot(file: LoadedConfigFile, root: string, rootResolved: string, rootArg: string): void {
  if (isInside(root, file.realPath) || isInside(rootResolved, file.path)) {
    throw usageError(`config file ${file.name} is inside the root ${rootArg}: keep it outside so it is never served (or pass --no-config)`)
  }
}

/**
 * Adds to a usage error that names options (`--immutable needs --max-age <seconds>`) which of them the
 * config file set, so a reader who never typed the flag finds the key: `… (tinyhttp.json sets immutable)`.
 *
 * @param err - what the resolver threw
 * @param file - the config file in use
 * @returns the error to throw: the same one, or a usage error with the note
 * @example
 * ```ts
 * namingFileKeys(usageError('--immutable needs --max-age <seconds>'), file).message
 * // '--immutable needs --max-age <seconds> (tinyhttp.json sets immutable)'
 * ```
 */
export function namingFileKeys(err: unknown, file: LoadedConfigFile): unknown {
  if (!(err instanceof CliError) || err.exitCode !== EXIT_USAGE) return err
  const overridden = new Set(file.overridden)
  const keys = [...new Set([...err.message.matchAll(/--([a-z][a-z-]*)/g)].map(m => m[1] as string))]
    .filter(flag => Object.hasOwn(file.options, flag) && !overridden.has(flag))
    .map(camelCase)
  return keys.length === 0 ? err : usageError(`${err.message} (${file.name} sets ${keys.join(', ')})`)
}
