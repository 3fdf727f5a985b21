/**
 * Reading `tinyhttp.json`: the text is parsed, checked against the published schema (the same object),
 * then turned into command-line options (so the file and the flags go through one resolver, and flags
 * win) and site rules (through tinyhttp-rules' `serve.json` reader). No I/O here: {@link parseConfigFile}
 * is a pure function, and every fault is a usage error naming the file and the key.
 *
 * @module
 */
import { isAbsolute, resolve } from 'node:path'
import { RulesConfigError, serveJsonRules, validateRules, type SiteRules, type TrailingSlash } from 'tinyhttp-rules'
import { FLAGS, type FlagName, type FlagSpec, type FlagValue } from './args.js'
import { parseAllowedHosts, parseCorsOrigins, parseHost } from './config.js'
import { CliError, usageError } from './errors.js'
import { configSchema } from './schema.js'
import { ROOT_OPTION, configOptions, type ConfigOption } from './schema-options.js'
import { validateValue } from './schema-validate.js'

/**
 * What a config file says, ready to merge with the command line.
 *
 * @example
 * ```ts
 * const contents: ConfigFileContents = parseConfigFile('{"cors": false}', 'tinyhttp.json', '/srv')
 * contents.options.cors // false
 * ```
 */
export interface ConfigFileContents {
  /** The file as messages name it (`tinyhttp.json`, or the `--config` argument). */
  readonly name: string
  /**
   * The options it sets, by flag name (`max-age`), as the command-line parser would give them: `true` /
   * `false`, the text of a value (`'60'`), every value of a list; paths read against the file's folder.
   */
  readonly options: Readonly<Partial<Record<string, boolean | string | string[]>>>
  /** The root it names, absolute; undefined when it names none. */
  readonly root: string | undefined
  /** Its rule keys as one rule set (validated alone); undefined when it has none. */
  readonly siteRules: SiteRules | undefined
  /** `allowedRedirectHosts`: hosts absolute redirect destinations may name. */
  readonly allowedRedirectHosts: readonly string[]
  /** The rule keys as written (`headers` … `trailingSlash`), to tell whether an edit changed the rules. */
  readonly rulesText: string
  /** The file's text, to tell an edit that changed nothing. */
  readonly text: string
}

/** Checks beyond the JSON type, by the resolver's own parsers (whose message starts with the flag). */
const CHECKS: Partial<Record<FlagName, (value: FlagValue) => unknown>> = {
  host: v => parseHost(String(v)),
  cors: v => (typeof v === 'string' ? parseCorsOrigins(v) : v),
  'allowed-hosts': v => parseAllowedHosts(v as string[]),
}

const RULE_KEYS = ['headers', 'redirects', 'rewrites', 'cleanUrls'] as const

/**
 * Parses and checks a config file.
 *
 * @param text - the file's content (a UTF-8 BOM is allowed)
 * @param name - the file as messages name it
 * @param dir - the folder holding it: `root`, `allowFile`, `tlsCert` and `tlsKey` are read against it
 * @returns the options, root and rules it gives
 * @throws CliError (exit code 2) `name: key: what is wrong` for bad JSON, an unknown key, a wrong type or
 *   value, or a rule tinyhttp-rules refuses — and nothing else
 * @example
 * ```ts
 * parseConfigFile('{"maxAge": 60, "cors": false}', 'tinyhttp.json', '/srv/site').options
 * // { 'max-age': '60', cors: false }
 * ```
 */
export function parseConfigFile(text: string, name: string, dir: string): ConfigFileContents {
  const body = String(text).replace(/^\uFEFF/, '')
  let data: unknown
  try {
    data = JSON.parse(body)
  } catch (err) {
    throw usageError(`${name}${jsonErrorLine(body, err)}: invalid JSON: ${(err as Error).message}`)
  }
  const fail = (key: string, reason: string): never => {
    throw usageError(`${name}: ${key}: ${reason}`)
  }
  validateValue(data, configSchema(), '', fail)
  const top = data as Record<string, unknown>

  const options: Partial<Record<FlagName, FlagValue>> = {}
  const specs = new Map<string, FlagSpec>((FLAGS as readonly FlagSpec[]).map(f => [f.name, f]))
  for (const option of configOptions()) {
    if (!Object.hasOwn(top, option.key)) continue
    const value = toFlagValue(top[option.key], specs.get(option.flag) as FlagSpec, option, dir)
    const check = CHECKS[option.flag]
    if (check !== undefined) {
      try {
        check(value)
      } catch (err) {
        if (err instanceof CliError) fail(option.key, err.message.replace(/^--[a-z-]+:? /, ''))
        throw err
      }
    }
    options[option.flag] = value
  }
  const root = typeof top[ROOT_OPTION.key] === 'string' ? resolve(dir, top[ROOT_OPTION.key] as string) : undefined
  const allowedRedirectHosts = [...new Set((top.allowedRedirectHosts as string[] | undefined) ?? [])]
  const siteRules = rulesOf(top, name, allowedRedirectHosts)
  const rulesText = JSON.stringify([...RULE_KEYS, 'trailingSlash'].map(k => top[k] ?? null))
  return { name, options, root, siteRules, allowedRedirectHosts, rulesText, text: String(text) }
}

/** A file value as the command-line parser would have given it. */
function toFlagValue(value: unknown, spec: FlagSpec, option: ConfigOption, dir: string): FlagValue {
  if (typeof value === 'boolean') return value
  if (Array.isArray(value)) return spec.kind === 'list' ? value.map(String) : value.map(String).join(',')
  const text = String(value)
  return option.pathBase === 'file-folder' && !isAbsolute(text) ? resolve(dir, text) : text
}

/** The rule keys as a rule set, checked alone (cycles, destinations, allowed hosts). */
function rulesOf(top: Record<string, unknown>, name: string, allowedHosts: readonly string[]): SiteRules | undefined {
  const present = RULE_KEYS.filter(k => Object.hasOwn(top, k))
  const slash = top.trailingSlash
  if (present.length === 0 && slash === undefined) return undefined
  const serveShaped: Record<string, unknown> = {}
  for (const k of present) serveShaped[k] = top[k]
  // serve.json's booleans go through its reader; "ignore" (which serve.json cannot say) and its siblings are ours.
  if (typeof slash === 'boolean') serveShaped.trailingSlash = slash
  try {
    let rules = serveJsonRules(serveShaped, name)
    if (typeof slash === 'string') rules = { ...rules, trailingSlash: slash as TrailingSlash }
    validateRules(rules, { allowedHosts })
    return rules
  } catch (err) {
    if (err instanceof RulesConfigError) {
      const hint = /not in the allowed hosts/.test(err.reason) ? ' (list the host in allowedRedirectHosts)' : ''
      throw usageError(err.message + hint)
    }
    throw err
  }
}

/** `:line` of a JSON syntax error when the engine's message gives a position, else `''`. */
function jsonErrorLine(text: string, err: unknown): string {
  const m = /position (\d+)/.exec(String((err as Error)?.message))
  if (m === null) return ''
  const position = Math.min(Number(m[1]), text.length)
  let line = 1
  for (let i = 0; i < position; i++) if (text.charCodeAt(i) === 0x0a) line++
  return `:${line}`
}
