import { runtimeCodings, type ContentCoding, type Context } from 'tinyhttp-core'
import { compressibleResponse } from './compressible.js'

/**
 * Compression levels per coding. Missing codings keep their default.
 *
 * @example
 * ```ts
 * const levels: CompressionLevels = { br: 4, gzip: 5 }
 * app.use(compress({ levels }))
 * ```
 */
export interface CompressionLevels {
  /** Brotli quality, 0–11. @defaultValue 5 */
  br?: number
  /** gzip (deflate) level, 1–9. @defaultValue 6 */
  gzip?: number
  /** zstd level, 1–19 (only where Node has zstd). @defaultValue 3 */
  zstd?: number
}

/**
 * Options of {@link compress}. Every option is checked when `compress()` is called: a wrong one is a
 * `TypeError` naming it.
 *
 * @example
 * ```ts
 * const options: CompressOptions = {
 *   codings: ['gzip'],                          // never brotli
 *   threshold: 2048,                            // bodies of known size below 2 KiB go out as they are
 *   levels: { gzip: 4 },
 *   filter: ctx => !ctx.req.path.startsWith('/private/') && compressibleResponse(ctx),
 * }
 * app.use(compress(options))
 * ```
 */
export interface CompressOptions {
  /**
   * The codings offered, any of `'br'`, `'zstd'`, `'gzip'` (order does not matter: on equal `q` the
   * client gets br, then zstd, then gzip). `'zstd'` is dropped where Node's zlib has no zstd (Node 20),
   * so one configuration runs everywhere.
   *
   * @defaultValue every coding the running Node can produce (`['br', 'gzip']` on Node 20)
   */
  codings?: readonly ContentCoding[]
  /**
   * Bodies whose size is known (strings, bytes, JSON, sized streams) and smaller than this many bytes
   * are sent as they are, without `Vary` (they never vary). Streams of unknown length are always coded.
   *
   * @defaultValue 1024
   */
  threshold?: number
  /**
   * Levels for bodies of known size up to 1 MiB. Larger bodies and streams use at most brotli 4,
   * gzip 6, zstd 3 (or the lower level given here): per-request compression must stay cheap per byte.
   *
   * @defaultValue `{ br: 5, gzip: 6, zstd: 3 }`
   */
  levels?: CompressionLevels
  /**
   * Whether this response's content is worth compressing; called only for responses the HTTP rules
   * allow to be coded (see the README). The default, {@link compressibleResponse}, looks at the
   * `Content-Type`.
   *
   * @defaultValue {@link compressibleResponse}
   */
  filter?: (ctx: Context) => boolean
}

/**
 * Levels for every coding, filled in.
 *
 * @example
 * ```ts
 * const levels: Levels = { br: 5, gzip: 6, zstd: 3 }
 * ```
 * @internal
 */
export interface Levels {
  br: number
  gzip: number
  zstd: number
}

/**
 * What `compress()` computes once.
 *
 * @example
 * ```ts
 * const resolved: ResolvedCompress = resolveCompressOptions({ codings: ['gzip'] })
 * ```
 * @internal
 */
export interface ResolvedCompress {
  /** Codings offered to the negotiation (runtime-supported only). */
  codings: readonly ContentCoding[]
  threshold: number
  /** Levels for bodies of known size up to {@link BUFFERED_MAX}. */
  buffered: Levels
  /** Levels for larger bodies and streams. */
  streamed: Levels
  filter: (ctx: Context) => boolean
}

/**
 * Bodies of known size up to this many bytes get the {@link ResolvedCompress.buffered} levels.
 *
 * @example
 * ```ts
 * const large = size > BUFFERED_MAX // then br 4 with a bounded window
 * ```
 * @internal
 */
export const BUFFERED_MAX = 1024 * 1024

/**
 * The default threshold in bytes.
 *
 * @example
 * ```ts
 * const worthIt = size >= DEFAULT_THRESHOLD
 * ```
 * @internal
 */
export const DEFAULT_THRESHOLD = 1024

const BUFFERED_DEFAULTS: Readonly<Levels> = { br: 5, gzip: 6, zstd: 3 }
const STREAM_CAPS: Readonly<Levels> = { br: 4, gzip: 6, zstd: 3 }
const LEVEL_RANGES: Readonly<Record<ContentCoding, readonly [number, number]>> = { br: [0, 11], gzip: [1, 9], zstd: [1, 19] }
const KNOWN_OPTIONS = new Set(['codings', 'threshold', 'levels', 'filter'])
const KNOWN_CODINGS: readonly string[] = ['br', 'zstd', 'gzip']

function fail(message: string): never {
  throw new TypeError(`compress(): ${message}`)
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return 'an array'
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value)
}

function resolveCodings(value: unknown): readonly ContentCoding[] {
  const available = runtimeCodings()
  if (value === undefined) return available
  if (!Array.isArray(value) || value.length === 0) fail(`options.codings must be a non-empty array of 'br', 'zstd', 'gzip', got ${describe(value)}`)
  for (const coding of value as unknown[]) {
    if (typeof coding !== 'string' || !KNOWN_CODINGS.includes(coding)) fail(`options.codings: ${describe(coding)} is not one of 'br', 'zstd', 'gzip'`)
  }
  return available.filter(c => (value as unknown[]).includes(c))
}

function resolveThreshold(value: unknown): number {
  if (value === undefined) return DEFAULT_THRESHOLD
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(`options.threshold must be a non-negative integer (bytes), got ${describe(value)}`)
  return value
}

function resolveLevels(value: unknown): Levels {
  const levels = { ...BUFFERED_DEFAULTS }
  if (value === undefined) return levels
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`options.levels must be an object like { br: 5, gzip: 6 }, got ${describe(value)}`)
  for (const [key, level] of Object.entries(value)) {
    if (!KNOWN_CODINGS.includes(key)) fail(`options.levels.${key} is not a coding (br, zstd, gzip)`)
    if (level === undefined) continue
    const [min, max] = LEVEL_RANGES[key as ContentCoding]
    if (typeof level !== 'number' || !Number.isInteger(level) || level < min || level > max) {
      fail(`options.levels.${key} must be an integer from ${min} to ${max}, got ${describe(level)}`)
    }
    levels[key as ContentCoding] = level
  }
  return levels
}

/**
 * Checks the options of {@link compress} and computes what does not depend on the request.
 *
 * @param options - what the user passed
 * @returns the resolved configuration
 * @throws TypeError naming the first wrong option
 * @example
 * ```ts
 * resolveCompressOptions({ threshold: 0 }).threshold // 0
 * ```
 * @internal
 */
export function resolveCompressOptions(options: CompressOptions | undefined): ResolvedCompress {
  if (options === undefined) options = {}
  if (options === null || typeof options !== 'object') fail(`options must be an object, got ${describe(options)}`)
  for (const key of Object.keys(options)) if (!KNOWN_OPTIONS.has(key)) fail(`unknown option ${JSON.stringify(key)} (known: codings, threshold, levels, filter)`)
  const filter = options.filter ?? compressibleResponse
  if (typeof filter !== 'function') fail(`options.filter must be a function (ctx) => boolean, got ${describe(filter)}`)
  const buffered = resolveLevels(options.levels)
  return {
    codings: resolveCodings(options.codings),
    threshold: resolveThreshold(options.threshold),
    buffered,
    streamed: { br: Math.min(buffered.br, STREAM_CAPS.br), gzip: Math.min(buffered.gzip, STREAM_CAPS.gzip), zstd: Math.min(buffered.zstd, STREAM_CAPS.zstd) },
    filter,
  }
}
