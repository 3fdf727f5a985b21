import type { Context } from 'tinyhttp-core'
import { joinTokenList } from './header-list.js'
import { checkOrigin } from './origin.js'
import { lintOriginPattern } from './origin-pattern.js'

/**
 * Options of {@link cors}. Every header value is validated and joined once, when `cors()` is called.
 *
 * @example
 * ```ts
 * const options: CorsOptions = {
 *   origin: ['https://app.example', 'https://admin.app.example'],
 *   credentials: true,
 *   exposedHeaders: ['Content-Length', 'Content-Range', 'ETag'],
 *   maxAge: 3600,
 * }
 * app.use(cors(options))
 * ```
 */
export interface CorsOptions {
  /**
   * Which origins may read responses:
   * - `'*'`: anyone, without credentials (`Access-Control-Allow-Origin: *` on every response);
   * - a serialized origin (`'https://app.example'`) or a list of them, compared as exact strings;
   * - a RegExp anchored with `^…$` (no `g`, `y` or `m` flag, no nested repetition);
   * - a function `(origin, ctx) => boolean | Promise<boolean>`; only `true` allows.
   *
   * @defaultValue `'*'`
   */
  origin?: '*' | string | readonly string[] | RegExp | ((origin: string, ctx: Context) => boolean | Promise<boolean>)
  /** Send `Access-Control-Allow-Credentials: true` to allowed origins. Refused with `origin: '*'`. @defaultValue false */
  credentials?: boolean
  /** `Access-Control-Allow-Methods` on preflight answers. @defaultValue `['GET', 'HEAD']` */
  methods?: readonly string[]
  /**
   * `Access-Control-Allow-Headers` on preflight answers: a fixed list, or `'reflect'` to echo the
   * request's `Access-Control-Request-Headers` when it is a valid list of tokens (with
   * `Vary: Access-Control-Request-Headers`).
   *
   * @defaultValue `'reflect'`
   */
  allowedHeaders?: readonly string[] | 'reflect'
  /** `Access-Control-Expose-Headers` on allowed responses. @defaultValue `['Content-Length', 'Content-Range', 'Accept-Ranges', 'ETag']` */
  exposedHeaders?: readonly string[]
  /** `Access-Control-Max-Age` in seconds, clamped to 7200 (Chromium's cap). @defaultValue 600 */
  maxAge?: number
  /** Allow `Origin: null` (sandboxed iframes, `file:` pages, some redirects). Ignored with `'*'`. @defaultValue false */
  allowNullOrigin?: boolean
  /** Answer `Access-Control-Allow-Private-Network: true` to preflights that ask for it. @defaultValue false */
  privateNetwork?: boolean
}

/** How the request's `Origin` is judged. */
export type OriginMatcher = (origin: string, ctx: Context) => boolean | Promise<boolean>

/** Everything `cors()` precomputes. */
export interface ResolvedCors {
  /** `origin: '*'`. */
  wildcard: boolean
  /** Judges a non-null origin (not used for `'*'`). */
  match: OriginMatcher
  /** Whether `match` is the user's function (may be async, may throw). */
  userFunction: boolean
  credentials: boolean
  allowNullOrigin: boolean
  privateNetwork: boolean
  /** `Access-Control-Allow-Methods` value. */
  allowMethods: string
  /** `Access-Control-Allow-Headers` value, `null` to reflect, `''` for none. */
  allowHeaders: string | null
  /** `Access-Control-Expose-Headers` value, `''` for none. */
  exposeHeaders: string
  /** `Access-Control-Max-Age` value. */
  maxAge: string
}

/** Chromium caps `Access-Control-Max-Age` at two hours (Firefox at 24 h). */
export const MAX_AGE_CAP = 7200

const DEFAULT_EXPOSED = ['Content-Length', 'Content-Range', 'Accept-Ranges', 'ETag'] as const
const KNOWN = new Set(['origin', 'credentials', 'methods', 'allowedHeaders', 'exposedHeaders', 'maxAge', 'allowNullOrigin', 'privateNetwork'])

function flag(name: string, value: unknown): boolean {
  if (value === undefined) return false
  if (typeof value !== 'boolean') throw new TypeError(`cors: ${name} must be a boolean`)
  return value
}

function buildMatcher(origin: Exclude<CorsOptions['origin'], '*' | undefined>): { match: OriginMatcher; userFunction: boolean } {
  if (typeof origin === 'function') return { match: origin, userFunction: true }
  if (origin instanceof RegExp) {
    const lint = lintOriginPattern(origin)
    if (lint.looseDot) {
      process.emitWarning(
        `tinyhttp-cors: origin pattern /${origin.source}/ has an unescaped '.', which matches any character (so 'a.example' also matches 'a-example'); write \\. for a literal dot`,
        'TinyhttpWarning',
      )
    }
    // A private copy: nobody can change its lastIndex or recompile it later.
    const re = new RegExp(origin.source, origin.flags)
    return { match: (value: string) => re.test(value), userFunction: false }
  }
  if (typeof origin === 'string') {
    const only = checkOrigin(origin, 'origin')
    return { match: (value: string) => value === only, userFunction: false }
  }
  if (Array.isArray(origin)) {
    const set = new Set<string>()
    origin.forEach((entry: unknown, index: number) => set.add(checkOrigin(entry, `origin[${index}]`)))
    return { match: (value: string) => set.has(value), userFunction: false }
  }
  throw new TypeError(`cors: origin must be '*', an origin string, an array of them, an anchored RegExp or a function`)
}

/**
 * Validates the options and precomputes every header value.
 *
 * @param options - what the user passed
 * @returns the resolved configuration
 * @throws TypeError for a bad configuration (e.g. `origin: '*'` with `credentials: true`)
 * @internal
 */
export function resolveCorsOptions(options: CorsOptions): ResolvedCors {
  if (options === null || typeof options !== 'object') throw new TypeError('cors: options must be an object')
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new TypeError(`cors: unknown option ${JSON.stringify(key)}`)
  }
  const origin = options.origin ?? '*'
  const credentials = flag('credentials', options.credentials)
  const wildcard = origin === '*'
  if (wildcard && credentials) {
    throw new TypeError(
      "cors: origin '*' cannot be combined with credentials: true (browsers reject that pair); list the origins that may send credentials",
    )
  }
  const { match, userFunction } = wildcard ? { match: () => true, userFunction: false } : buildMatcher(origin)

  const allowMethods = joinTokenList('methods', options.methods ?? ['GET', 'HEAD'])
  if (allowMethods === '') throw new TypeError('cors: methods must not be empty')

  let allowHeaders: string | null
  if (options.allowedHeaders === undefined || options.allowedHeaders === 'reflect') allowHeaders = null
  else allowHeaders = joinTokenList('allowedHeaders', options.allowedHeaders)

  const exposeHeaders = joinTokenList('exposedHeaders', options.exposedHeaders ?? DEFAULT_EXPOSED)

  const rawMaxAge = options.maxAge ?? 600
  if (typeof rawMaxAge !== 'number' || !Number.isFinite(rawMaxAge) || rawMaxAge < 0) {
    throw new TypeError('cors: maxAge must be a non-negative number of seconds')
  }
  const maxAge = String(Math.min(Math.floor(rawMaxAge), MAX_AGE_CAP))

  return {
    wildcard,
    match,
    userFunction,
    credentials,
    allowNullOrigin: flag('allowNullOrigin', options.allowNullOrigin),
    privateNetwork: flag('privateNetwork', options.privateNetwork),
    allowMethods,
    allowHeaders,
    exposeHeaders,
    maxAge,
  }
}
