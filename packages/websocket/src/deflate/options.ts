import type { ZlibLimiter } from './limiter.js'

/**
 * permessage-deflate settings of a server: what it accepts in the negotiation and how it compresses.
 * Every field is optional; `perMessageDeflate: true` means all defaults.
 *
 * @example
 * ```ts
 * const options: PerMessageDeflateOptions = { serverNoContextTakeover: true, threshold: 256, level: 1 }
 * ```
 */
export interface PerMessageDeflateOptions {
  /**
   * Always reset the compressor after each message (saves 256 KiB+ per socket, costs ratio).
   * @defaultValue false (only when the client asks)
   */
  readonly serverNoContextTakeover?: boolean
  /**
   * Ask the client to reset its compressor after each message (the server then keeps no inflate
   * window between messages either).
   * @defaultValue false (only when the client offers it)
   */
  readonly clientNoContextTakeover?: boolean
  /**
   * The largest window the server compresses with, 9–15 (zlib has no true 8 for raw deflate).
   * @defaultValue 15
   */
  readonly serverMaxWindowBits?: number
  /**
   * Bound the client's window, 8–15; offers that do not allow bounding it are then declined.
   * @defaultValue undefined (the client's choice)
   */
  readonly clientMaxWindowBits?: number
  /**
   * Messages shorter than this many bytes are sent uncompressed: below ~1 KiB a zlib round trip
   * through the thread pool costs more than the bytes it saves.
   * @defaultValue 1024
   */
  readonly threshold?: number
  /**
   * zlib compression level 0–9 (-1 = zlib's default, 6).
   * @defaultValue -1
   */
  readonly level?: number
  /**
   * zlib memLevel 1–9: the compressor's hash table size.
   * @defaultValue 8
   */
  readonly memLevel?: number
  /**
   * Where compress/decompress queue for a zlib slot. All sockets share {@link sharedZlibLimiter}
   * unless given another one.
   * @defaultValue sharedZlibLimiter
   */
  readonly limiter?: ZlibLimiter
}

/**
 * The default of {@link PerMessageDeflateOptions.threshold}: 1 KiB, as `ws`.
 *
 * @example
 * ```ts
 * const worthIt = data.length >= (options.threshold ?? DEFAULT_THRESHOLD)
 * ```
 */
export const DEFAULT_THRESHOLD = 1024

function checkInt(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`perMessageDeflate.${name} must be an integer ${min}–${max}, got ${String(value)}`)
  }
}

/**
 * Throws a `TypeError` for a setting out of range; called once, when a server is configured.
 *
 * @param options - the settings
 * @throws TypeError naming the bad field
 * @example
 * ```ts
 * checkOptions({ serverMaxWindowBits: 8 }) // throws: 9–15
 * ```
 */
export function checkOptions(options: PerMessageDeflateOptions): void {
  checkInt('serverMaxWindowBits', options.serverMaxWindowBits, 9, 15)
  checkInt('clientMaxWindowBits', options.clientMaxWindowBits, 8, 15)
  checkInt('threshold', options.threshold, 0, Number.MAX_SAFE_INTEGER)
  checkInt('level', options.level, -1, 9)
  checkInt('memLevel', options.memLevel, 1, 9)
}
