/**
 * `--watch` for the config file: an edit is re-read and checked; its rule keys are handed to a callback
 * that swaps them in at once (the server's `reloadRules`), the options that only a restart can change
 * are named, and a broken edit keeps what is in force and says why.
 *
 * @module
 */
import { watch, type FSWatcher } from 'node:fs'
import { basename, dirname } from 'node:path'
import type { SiteRules } from 'tinyhttp-rules'
import { camelCase } from './schema-options.js'
import type { CliConfig } from './config.js'
import { readConfigFile, type LoadedConfigFile } from './config-file-load.js'
import { oneLine, runtimeError } from './errors.js'
import { printWarning, type CliIo } from './output.js'

/** Quiet time after the last file-system event before the file is read (editors write in bursts). */
const DEBOUNCE_MS = 50

/**
 * An edit of the config file that parsed and passed every check.
 *
 * @example
 * ```ts
 * const onChange = (c: ConfigFileChange): void => console.log(c.rulesChanged, c.restartKeys) // true, ['maxAge']
 * ```
 */
export interface ConfigFileChange {
  /** The file as it is now. */
  readonly file: LoadedConfigFile
  /** Whether its rule keys differ from the rules last applied (`headers` … `trailingSlash`). */
  readonly rulesChanged: boolean
  /**
   * Keys that differ from what the server started with and that only a restart applies: every option,
   * `root` and `allowedRedirectHosts` (the command line's own options are left out: they win anyway).
   */
  readonly restartKeys: readonly string[]
}

/**
 * Watches a config file: each edit is read and parsed; a valid one goes to `onChange`, a fault (bad
 * JSON, a wrong key, the file gone) to `onError`, and what was in force stays in force. Edits are handled
 * one at a time, in order; an edit that changes no byte is ignored. The watcher never keeps the process
 * alive.
 *
 * @param file - the file as read at start-up (the baseline)
 * @param onChange - gets each valid edit; when it throws or rejects, its rules do not become the
 *   baseline (the next edit is compared with the rules still in force) and `onError` gets the error
 * @param onError - gets what went wrong with an edit
 * @returns a function that stops watching
 * @example
 * ```ts
 * const stop = watchConfigFile(config.configFile, change => built.reloadRules(change.file.siteRules ?? NO_RULES), err => console.error(err.message))
 * ```
 */
export function watchConfigFile(file: LoadedConfigFile, onChange: (change: ConfigFileChange) => void | Promise<void>, onError: (err: Error) => void): () => void {
  const started = file
  let current = file
  let appliedRules = file.rulesText
  let timer: NodeJS.Timeout | undefined
  let busy = false
  let again = false
  let closed = false

  async function check(): Promise<void> {
    if (busy) {
      again = true
      return
    }
    busy = true
    try {
      do {
        again = false
        await readOnce()
      } while (again && !closed)
    } finally {
      busy = false
    }
  }

  async function readOnce(): Promise<void> {
    let next: LoadedConfigFile | undefined
    try {
      next = await readConfigFile(file.path, file.name, file.overridden)
      if (next === undefined) throw runtimeError(`cannot read config file ${file.path}: ENOENT`)
    } catch (err) {
      if (!closed) onError(err instanceof Error ? err : new Error(String(err)))
      return
    }
    if (closed || next.text === current.text) return
    current = next
    const change: ConfigFileChange = { file: next, rulesChanged: next.rulesText !== appliedRules, restartKeys: restartKeys(started, next) }
    try {
      await onChange(change)
      appliedRules = next.rulesText
    } catch (err) {
      if (!closed) onError(err instanceof Error ? err : new Error(String(err)))
    }
  }

  const schedule = (): void => {
    if (closed) return
    if (timer !== undefined) clearTimeout(timer)
    timer = setTimeout(() => void check(), DEBOUNCE_MS)
    timer.unref()
  }

  // The folder, not the file: editors save by writing a new file and renaming it over the old one.
  const name = basename(file.path)
  let watcher: FSWatcher | undefined
  try {
    watcher = watch(dirname(file.path), { persistent: false }, (_event, filename) => {
      if (filename === null || filename.toString() === name) schedule()
    })
    watcher.on('error', err => onError(err))
  } catch (err) {
    onError(runtimeError(`cannot watch ${file.path}: ${oneLine(err)}`))
  }
  return () => {
    closed = true
    if (timer !== undefined) clearTimeout(timer)
    watcher?.close()
  }
}

/** The keys a restart would apply: options, `root`, `allowedRedirectHosts` that differ, unless the command line sets them. */
function restartKeys(started: LoadedConfigFile, next: LoadedConfigFile): string[] {
  const keys: string[] = []
  const overridden = new Set(started.overridden)
  if (!overridden.has('root') && started.root !== next.root) keys.push('root')
  const flags = new Set([...Object.keys(started.options), ...Object.keys(next.options)])
  for (const flag of flags) {
    if (overridden.has(flag)) continue
    if (JSON.stringify(started.options[flag]) !== JSON.stringify(next.options[flag])) keys.push(camelCase(flag))
  }
  if (JSON.stringify(started.allowedRedirectHosts) !== JSON.stringify(next.allowedRedirectHosts)) keys.push('allowedRedirectHosts')
  return keys
}

/** A rule set with no rules: what the file's rules become when its rule keys are removed. */
const NO_RULES: SiteRules = Object.freeze({ headers: Object.freeze([]), routes: Object.freeze([]) })

/**
 * Under `--watch`, follows the server's config file: rule edits go to `reloadRules` (an atomic swap;
 * `undefined` when this server cannot reload rules, and then a restart is asked for); other keys are
 * named with "restart to apply"; a broken edit is reported and changes nothing.
 *
 * @param config - the server's configuration (nothing happens without `--watch` or a config file)
 * @param reloadRules - the server's rule reload, given the file's rules
 * @param io - where the messages go (stderr)
 * @param report - whether to print (only the first of several workers does)
 * @returns a function that stops following, or undefined when there is nothing to follow
 * @example
 * ```ts
 * const stop = followConfigFile(config, extra => built.reloadRules(extra), io, true)
 * ```
 */
export function followConfigFile(
  config: CliConfig,
  reloadRules: ((extra: SiteRules) => Promise<void>) | undefined,
  io: CliIo,
  report: boolean,
): (() => void) | undefined {
  const file = config.configFile
  if (!config.watch || config.check || file === undefined) return undefined
  const say = (message: string): void => {
    if (report) printWarning(io, message)
  }
  let restartNote = ''
  return watchConfigFile(
    file,
    async change => {
      const note = change.restartKeys.join(', ')
      if (note !== restartNote && note !== '') say(`${file.name}: ${note} changed: restart to apply`)
      restartNote = note
      if (!change.rulesChanged) return
      if (reloadRules === undefined) {
        say(`${file.name}: rules changed: restart to apply`)
        return
      }
      await reloadRules(change.file.siteRules ?? NO_RULES)
      if (report && !config.quiet) io.stderr.write(`tinyhttp-cli: ${file.name}: rules reloaded\n`)
    },
    err => say(`${file.name} not applied, the previous configuration stays in force: ${oneLine(err)}`),
  )
}
