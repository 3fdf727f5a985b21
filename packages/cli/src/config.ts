import { readFile, realpath, stat } from 'node:fs/promises'
import { isIP } from 'node:net'
import { availableParallelism } from 'node:os'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import type { SiteRules } from 'tinyhttp-rules'
import type { FlagName, FlagValue, ParsedArgs } from './args.js'
import { loadConfigFile, mergeWithFile, namingFileKeys, refuseInsideRoot, type LoadedConfigFile } from './config-file-load.js'
import { resolveDrainDelay } from './config-lifecycle.js'
import { resolveDev, type DevMode } from './config-dev.js'
import { resolveProxyConfig, type ProxyConfig } from './config-proxy.js'
import { resolveErrorPages, type ErrorPageFiles } from './error-pages.js'
import { resolveAdminOptions, type AdminConfig } from './config-admin.js'
import { CliError, oneLine, runtimeError, usageError } from './errors.js'

/** The default root folder, relative to the working directory. */
export const DEFAULT_ROOT = './public'
/** The default port. */
export const DEFAULT_PORT = 7878
/** The default bind address: loopback only. */
export const DEFAULT_HOST = '127.0.0.1'
/** The allow entry used when no `--allow`/`--allow-file` is given: every non-dotfile. */
export const DEFAULT_ALLOW = '**/*'
/** Most worker processes accepted by `--workers`. */
export const MAX_WORKERS = 256

/** The certificate and key for HTTPS, read at start-up. */
export interface TlsConfig {
  /** The certificate file as resolved. */
  certFile: string
  /** The key file as resolved. */
  keyFile: string
  /** PEM bytes of the certificate (chain). */
  cert: Buffer
  /** PEM bytes of the private key. */
  key: Buffer
}

/** A validated configuration: what `tinyhttp-cli` will serve and how. */
export interface CliConfig extends ProxyConfig, AdminConfig {
  /** The root folder, absolute and with symlinks resolved. */
  root: string
  /** The root as the user gave it (for messages). */
  rootArg: string
  /** The allow entries, relative to the root (`/`-separated). */
  allow: string[]
  /** Where the entries came from: the default glob, or `--allow`/`--allow-file`. */
  allowSource: 'default' | 'options'
  /** The allow file as resolved, when one was given. */
  allowFile: string | undefined
  /** Port to listen on (0 = any free port). */
  port: number
  /** Address to bind. */
  host: string
  /**
   * `--allowed-hosts`: host names answered besides `localhost`, `*.localhost` and IP literals (lower
   * case, no trailing dot, a leading `.` for a domain and its subdomains), `'all'` for any host, or
   * `undefined` when not given.
   */
  allowedHosts: string[] | 'all' | undefined
  /** `false` for no CORS, `'*'`, or the allowed origins. */
  cors: false | '*' | string[]
  /** `Cache-Control: public, max-age=N`; `undefined` keeps the default (`no-cache`). */
  maxAge: number | undefined
  /** Adds `immutable` to `Cache-Control`. */
  immutable: boolean
  /** `--cache spa`: the cache preset of tinyhttp-rules, or `undefined`. */
  cache: 'spa' | undefined
  /** `--isolate`: COOP, COEP and CORP on every response. */
  isolate: boolean
  /** `--security-headers` (HSTS too when `tls` is set). */
  securityHeaders: boolean
  /** Strong ETags and `If-None-Match`. */
  etag: boolean
  /** Serve `.br` / `.zst` / `.gz` siblings. */
  precompressed: boolean
  /** Compress compressible files at run time (tinyhttp-static's `compress`); on unless `--no-compress`. */
  compress: boolean
  /** SPA shell file relative to the root, or `undefined`. */
  spa: string | undefined
  /** Directory listings for folders without an index file (tinyhttp-listing). */
  listing: boolean
  /** Status for what is not served. */
  notFound: 403 | 404
  /** Custom error pages (`--error-page`, or `403.html`/`404.html`/`50x.html` at the root): status → file relative to the root. */
  errorPages: ErrorPageFiles
  /** 400 for methods other than GET/HEAD (the original program's behaviour). */
  seedMethods: boolean
  /** HTTPS material, or `undefined` for plain HTTP. */
  tls: TlsConfig | undefined
  /** Number of processes serving (1 = no cluster). */
  workers: number
  /** `--drain-delay`: seconds a shutdown keeps the listeners open before closing them. */
  drainDelay: number
  /** Follow the file system (`--watch`, or implied by `--dev`). */
  watch: boolean
  /** `--dev` (`'local'`) or `--dev=public` (`'public'`): live reload, `no-cache`; undefined when off. */
  dev: DevMode
  /** Access log format. */
  logFormat: 'text' | 'json'
  /** No access log. */
  quiet: boolean
  /** Dry run: print the table and exit. */
  check: boolean
  /**
   * Site rules given by the configuration file (`tinyhttp.json`), merged after the rule files found in
   * the root (`_headers`, `_redirects`, `serve.json`); `undefined` when there is none.
   */
  siteRules: SiteRules | undefined
  /** Hosts an absolute redirect destination may name (`allowedRedirectHosts` in the config file); empty by default. */
  allowedRedirectHosts: readonly string[]
  /** The config file read (`tinyhttp.json` or `--config`), or `undefined`. */
  configFile: LoadedConfigFile | undefined
}

/** Where the configuration is resolved: the environment and the working directory. */
export interface ConfigContext {
  /** Environment variables (`PORT`). */
  env: Readonly<Record<string, string | undefined>>
  /** Directory relative paths are resolved against. */
  cwd: string
}

type Options = ParsedArgs['options']

function str(options: Options, name: FlagName): string | undefined {
  const v: FlagValue | undefined = options[name]
  return typeof v === 'string' ? v : undefined
}

function bool(options: Options, name: FlagName, fallback: boolean): boolean {
  const v = options[name]
  return typeof v === 'boolean' ? v : fallback
}

function integer(text: string, what: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw usageError(`${what} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`)
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < min || n > max) throw usageError(`${what} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`)
  return n
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i

/**
 * Validates a bind address: an IPv4 or IPv6 literal (brackets allowed) or a host name.
 *
 * @param text - the `--host` value
 * @returns the address without brackets
 * @throws CliError (exit code 2) when it is neither
 */
export function parseHost(text: string): string {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
  if (isIP(bare) !== 0 || HOSTNAME.test(bare)) return bare
  throw usageError(`--host must be an IP address or a host name, got ${JSON.stringify(text)}`)
}

/**
 * Validates `--allowed-hosts` (repeatable, each comma-separated): host names, `.domain` for a domain and
 * its subdomains, or `all` alone.
 *
 * @param values - every value given, undefined when the option was not
 * @returns the names (lower case, no trailing dot), `'all'`, or undefined
 * @throws CliError (exit code 2) for something that is not a host name
 * @example
 * ```ts
 * parseAllowedHosts(['App.test, .dev.test.']) // ['app.test', '.dev.test']
 * ```
 */
export function parseAllowedHosts(values: readonly string[] | undefined): string[] | 'all' | undefined {
  if (values === undefined) return undefined
  const names: string[] = []
  for (const part of values.flatMap(v => v.split(','))) {
    let name = part.trim().toLowerCase()
    if (name === 'all') {
      names.push('all')
      continue
    }
    if (name.endsWith('.')) name = name.slice(0, -1)
    const bare = name.startsWith('.') ? name.slice(1) : name
    if (!HOSTNAME.test(bare) || isIP(bare) !== 0) {
      throw usageError(`--allowed-hosts: ${JSON.stringify(part.trim())} is not a host name (IP literals and localhost are always accepted)`)
    }
    if (!names.includes(name)) names.push(name)
  }
  if (names.includes('all')) {
    if (names.length > 1) throw usageError('--allowed-hosts: "all" cannot be combined with names')
    return 'all'
  }
  if (names.length === 0) throw usageError('--allowed-hosts needs at least one host name')
  return names
}

/**
 * Validates `--cors`: `*` alone, or a comma-separated list of serialized origins (`scheme://host[:port]`).
 *
 * @param text - the value
 * @returns `'*'` or the origins
 * @throws CliError (exit code 2) for anything else
 * @example
 * ```ts
 * parseCorsOrigins('https://a.example, http://localhost:3000') // ['https://a.example', 'http://localhost:3000']
 * ```
 */
export function parseCorsOrigins(text: string): '*' | string[] {
  const parts = text.split(',').map(s => s.trim())
  if (parts.length === 1 && parts[0] === '*') return '*'
  const out: string[] = []
  for (const part of parts) {
    if (part === '*') throw usageError('--cors: "*" cannot be combined with other origins')
    let url: URL | undefined
    try {
      url = new URL(part)
    } catch {
      url = undefined
    }
    // A serialized origin: scheme://host[:port], nothing else (no path, no trailing slash), lowercase.
    if (url === undefined || url.origin === 'null' || url.origin !== part) {
      throw usageError(`--cors: ${JSON.stringify(part)} is not an origin like https://app.example or http://localhost:3000`)
    }
    if (!out.includes(part)) out.push(part)
  }
  return out
}

function isInside(root: string, file: string): boolean {
  const rel = relative(root, file)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/**
 * Checks one allow entry and spells it relative to the root: an absolute path under the root becomes
 * relative; a leading `/` or `./` otherwise means "from the root" (as the allowlist reads it).
 *
 * @param entry - as given on the command line or in the allow file
 * @param root - the root (absolute, real path)
 * @param rootResolved - the root before symlinks were resolved
 * @returns the entry to give the allowlist
 * @throws CliError (exit code 2) for an entry outside the root or with a `..` segment
 */
export function normalizeAllowEntry(entry: string, root: string, rootResolved: string): string {
  if (entry.trim() === '') throw usageError('an allow entry is empty')
  let e = entry
  for (const base of [rootResolved, root]) {
    if (e.startsWith(base + sep)) {
      e = e.slice(base.length + 1).split(sep).join('/')
      break
    }
  }
  const segments = e.split('/')
  if (segments.includes('..')) {
    let depth = 0
    let escapes = false
    for (const seg of segments) {
      if (seg === '..') depth--
      else if (seg !== '' && seg !== '.') depth++
      if (depth < 0) escapes = true
    }
    if (escapes) throw usageError(`allow entry ${JSON.stringify(entry)} is outside the root ${root}`)
    throw usageError(`allow entry ${JSON.stringify(entry)} has a ".." segment: write the path from the root`)
  }
  return e
}

/**
 * Reads an allow file: one entry a line; blank lines and lines starting with `#` are ignored,
 * surrounding white space and a UTF-8 BOM are dropped.
 *
 * @param text - the file's contents
 * @returns the entries in order
 * @example
 * ```ts
 * parseAllowFile('# site\nindex.html\n\nassets/*.css\n') // ['index.html', 'assets/*.css']
 * ```
 */
export function parseAllowFile(text: string): string[] {
  const out: string[] = []
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    out.push(line)
  }
  return out
}

async function readTls(certArg: string, keyArg: string, cwd: string): Promise<TlsConfig> {
  const certFile = resolve(cwd, certArg)
  const keyFile = resolve(cwd, keyArg)
  const read = async (file: string, what: string): Promise<Buffer> => {
    try {
      return await readFile(file)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? oneLine(err)
      throw runtimeError(`cannot read TLS ${what} ${file}: ${code}`)
    }
  }
  const cert = await read(certFile, 'certificate')
  const key = await read(keyFile, 'key')
  try {
    (await import('node:tls')).createSecureContext({ cert, key })
  } catch (err) {
    throw runtimeError(`invalid TLS certificate or key (${certFile}, ${keyFile}): ${oneLine(err)}`)
  }
  return { certFile, keyFile, cert, key }
}

/**
 * Turns parsed arguments into a validated configuration: reads the config file (`--config`, else
 * `./tinyhttp.json` when present) and lays the command line over it, resolves the root and the files,
 * reads the allow file and the TLS material, and checks every value.
 *
 * @param given - from {@link parseArgs}
 * @param context - environment (`PORT`) and working directory
 * @returns the configuration
 * @throws CliError: exit code 2 for a wrong command line or config file (bad value, unknown key, missing
 *   root, entry outside the root, allow or config file inside the root), 1 for a file that cannot be read
 *   or an invalid TLS key
 * @example
 * ```ts
 * const config = await resolveConfig(parseArgs(['site', '-p', '0']), { env: process.env, cwd: process.cwd() })
 * ```
 */
export async function resolveConfig(given: ParsedArgs, context: ConfigContext): Promise<CliConfig> {
  // The config file first; the command line's options replace its own.
  const configFile = await loadConfigFile(given, context.cwd)
  return resolveMerged(mergeWithFile(configFile, given), context, configFile).catch((err: unknown) => {
    throw configFile === undefined ? err : namingFileKeys(err, configFile)
  })
}

async function resolveMerged(args: ParsedArgs, context: ConfigContext, configFile: LoadedConfigFile | undefined): Promise<CliConfig> {
  const { cwd, env } = context
  const { options } = args

  // Root.
  const rootArg = args.root ?? DEFAULT_ROOT
  if (rootArg === '') throw usageError('the root folder is empty')
  const rootResolved = resolve(cwd, rootArg)
  let root: string
  try {
    root = await realpath(rootResolved)
    if (!(await stat(root)).isDirectory()) throw usageError(`root ${rootArg} is not a folder`)
  } catch (err) {
    if (err instanceof CliError) throw err
    const hint = args.root === undefined ? ' (give the folder to serve: tinyhttp-cli <folder>)' : ''
    throw usageError(`root folder ${rootArg} does not exist${hint}`)
  }
  if (configFile !== undefined) refuseInsideRoot(configFile, root, rootResolved, rootArg)

  // Port and host.
  const portText = str(options, 'port') ?? (env.PORT !== undefined && env.PORT !== '' ? env.PORT : undefined)
  const port = portText === undefined ? DEFAULT_PORT : integer(portText, str(options, 'port') !== undefined ? '--port' : 'PORT', 0, 65535)
  const host = parseHost(str(options, 'host') ?? DEFAULT_HOST)

  const allowedHosts = parseAllowedHosts(options['allowed-hosts'] as string[] | undefined)

  // Allow entries.
  const entries: string[] = []
  for (const e of (options.allow as string[] | undefined) ?? []) entries.push(normalizeAllowEntry(e, root, rootResolved))
  let allowFile: string | undefined
  const allowFileArg = str(options, 'allow-file')
  if (allowFileArg !== undefined) {
    allowFile = resolve(cwd, allowFileArg)
    let real: string
    let text: string
    try {
      real = await realpath(allowFile)
      text = await readFile(real, 'utf8')
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? oneLine(err)
      throw runtimeError(`cannot read allow file ${allowFile}: ${code}`)
    }
    if (isInside(root, real) || isInside(rootResolved, allowFile)) {
      throw usageError(`allow file ${allowFileArg} is inside the root ${rootArg}: keep it outside so it is never served`)
    }
    for (const e of parseAllowFile(text)) entries.push(normalizeAllowEntry(e, root, rootResolved))
  }
  const allowSource = options.allow === undefined && allowFile === undefined ? 'default' : 'options'
  const allow = allowSource === 'default' ? [DEFAULT_ALLOW] : [...new Set(entries)]

  // CORS.
  const corsOption = options.cors
  const cors: CliConfig['cors'] = corsOption === false ? false : typeof corsOption === 'string' ? parseCorsOrigins(corsOption) : '*'

  // Caching and validators.
  const maxAgeText = str(options, 'max-age')
  const maxAge = maxAgeText === undefined ? undefined : integer(maxAgeText, '--max-age', 0, 31_536_000 * 10)
  const immutable = bool(options, 'immutable', false)
  if (immutable && maxAge === undefined) throw usageError('--immutable needs --max-age <seconds>')
  const cacheText = str(options, 'cache')
  if (cacheText !== undefined && cacheText !== 'spa') throw usageError(`--cache takes spa, got ${JSON.stringify(cacheText)}`)
  // --immutable would make every un-hashed asset immutable: what --cache spa exists to avoid.
  if (cacheText !== undefined && immutable) throw usageError('--cache spa and --immutable cannot be combined: --cache spa marks only content-hashed names immutable')

  // SPA.
  let spa: string | undefined
  const spaOption = options.spa
  if (spaOption !== undefined && spaOption !== false) {
    spa = spaOption === true ? 'index.html' : normalizeAllowEntry(String(spaOption), root, rootResolved).replace(/^\.?\//, '')
    if (spa === '' || spa.includes('*') || spa.includes('?')) throw usageError(`--spa needs a file name, got ${JSON.stringify(spaOption)}`)
  }

  // Not found.
  const notFoundText = str(options, 'not-found') ?? '403'
  if (notFoundText !== '403' && notFoundText !== '404') throw usageError(`--not-found must be 403 or 404, got ${JSON.stringify(notFoundText)}`)

  // Logging.
  const logFormat = str(options, 'log-format') ?? 'text'
  if (logFormat !== 'text' && logFormat !== 'json') throw usageError(`--log-format must be text or json, got ${JSON.stringify(logFormat)}`)

  // Workers.
  const workersText = str(options, 'workers')
  let workers = workersText === undefined ? 1 : integer(workersText, '--workers', 0, MAX_WORKERS)
  if (workers === 0) workers = availableParallelism()

  // TLS.
  const certArg = str(options, 'tls-cert')
  const keyArg = str(options, 'tls-key')
  if ((certArg === undefined) !== (keyArg === undefined)) {
    throw usageError(certArg === undefined ? '--tls-key needs --tls-cert' : '--tls-cert needs --tls-key')
  }
  for (const [name, file] of [['--tls-cert', certArg], ['--tls-key', keyArg]] as const) {
    if (file !== undefined && isInside(root, resolve(cwd, file))) {
      throw usageError(`${name} ${file} is inside the root ${rootArg}: keep TLS files outside so they are never served`)
    }
  }
  const tls = certArg !== undefined && keyArg !== undefined ? await readTls(certArg, keyArg, cwd) : undefined
  const dev = resolveDev(options.dev, host, options.workers, root)

  return {
    root,
    rootArg,
    allow,
    allowSource,
    allowFile,
    port,
    host,
    allowedHosts,
    cors,
    maxAge,
    immutable,
    cache: cacheText === 'spa' ? 'spa' : undefined,
    isolate: bool(options, 'isolate', false),
    securityHeaders: bool(options, 'security-headers', false),
    etag: bool(options, 'etag', true),
    precompressed: bool(options, 'precompressed', false),
    compress: bool(options, 'compress', true),
    spa,
    listing: bool(options, 'listing', false),
    notFound: notFoundText === '404' ? 404 : 403,
    errorPages: await resolveErrorPages(options['error-page'] as string[] | undefined, root),
    seedMethods: bool(options, 'seed-methods', false),
    tls,
    ...resolveProxyConfig(options),
    workers,
    drainDelay: resolveDrainDelay(options),
    watch: bool(options, 'watch', false) || dev !== undefined,
    dev,
    logFormat,
    quiet: bool(options, 'quiet', false),
    check: bool(options, 'check', false),
    siteRules: configFile?.siteRules,
    allowedRedirectHosts: configFile?.allowedRedirectHosts ?? [],
    configFile,
    ...resolveAdminOptions(options),
  }
}
