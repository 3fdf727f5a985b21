import { parseIP, parseIPv4, parseIPv6 } from './ip-address.js'

/**
 * A CIDR entry that could not be read: thrown by {@link parseCidrList}, naming the entry and why.
 *
 * @example
 * ```ts
 * try { parseCidrList('10.0.0.0/33') } catch (err) { if (err instanceof CidrError) console.error(err.entry) }
 * ```
 */
export class CidrError extends TypeError {
  /** The entry as written. */
  readonly entry: string

  /**
   * @param entry - the entry as written
   * @param why - what is wrong with it
   */
  constructor(entry: string, why: string) {
    super(`invalid CIDR "${entry}": ${why}`)
    this.name = 'CidrError'
    this.entry = entry
  }
}

interface Range {
  /** The network, 16 bytes (IPv4 as IPv4-mapped IPv6). */
  readonly network: Uint8Array
  /** Prefix length over the 16 bytes (an IPv4 `/8` is `/104`). */
  readonly prefix: number
}

/**
 * A list of address ranges (trusted proxies): IPv4 and IPv6, and an IPv4 range also matches the
 * IPv4-mapped IPv6 form of its addresses (`::ffff:10.1.2.3` is in `10.0.0.0/8`), the way a dual-stack
 * socket reports IPv4 peers. Make one with {@link parseCidrList}.
 *
 * @example
 * ```ts
 * const trusted = parseCidrList('10.0.0.0/8, 192.168.0.0/16, ::1')
 * trusted.contains('10.2.3.4') // true
 * trusted.contains('::ffff:10.2.3.4') // true
 * trusted.contains('203.0.113.9') // false
 * ```
 */
export class CidrList {
  readonly #ranges: readonly Range[]
  /** The entries as given (trimmed), for messages and logs. */
  readonly entries: readonly string[]

  /** @internal use {@link parseCidrList} */
  constructor(ranges: readonly Range[], entries: readonly string[]) {
    this.#ranges = ranges
    this.entries = entries
  }

  /**
   * Whether an address is in one of the ranges. Anything that is not an IP address (undefined, a Unix
   * socket path, `unknown`) is not.
   *
   * @param address - IPv4 or IPv6 text (a `%zone` is ignored)
   * @returns true when some range contains it
   */
  contains(address: string | undefined): boolean {
    if (address === undefined || this.#ranges.length === 0) return false
    const bytes = parseIP(address)
    return bytes !== null && this.containsBytes(bytes)
  }

  /**
   * {@link CidrList.contains} for an address already in the 16-byte form.
   *
   * @param bytes - 16 bytes
   */
  containsBytes(bytes: Uint8Array): boolean {
    for (const range of this.#ranges) if (inRange(bytes, range)) return true
    return false
  }

  /** Number of ranges. */
  get size(): number {
    return this.#ranges.length
  }
}

function inRange(bytes: Uint8Array, { network, prefix }: Range): boolean {
  const whole = prefix >> 3
  for (let i = 0; i < whole; i++) if (bytes[i] !== network[i]) return false
  const bits = prefix & 7
  if (bits === 0) return true
  const mask = (0xff << (8 - bits)) & 0xff
  return ((bytes[whole] as number) & mask) === network[whole]
}

function parseEntry(entry: string): Range {
  const slash = entry.indexOf('/')
  const addressText = slash < 0 ? entry : entry.slice(0, slash)
  const v4 = parseIPv4(addressText)
  const v6 = v4 === null ? parseIPv6(addressText) : null
  if (v4 === null && v6 === null) throw new CidrError(entry, 'not an IPv4 or IPv6 address')
  const width = v4 !== null ? 32 : 128
  let length = width
  if (slash >= 0) {
    const text = entry.slice(slash + 1)
    if (!/^(0|[1-9][0-9]{0,2})$/.test(text) || Number(text) > width) {
      throw new CidrError(entry, `the prefix length must be a whole number from 0 to ${width}`)
    }
    length = Number(text)
  }
  const network = v4 !== null ? (parseIP(addressText) as Uint8Array) : (v6 as Uint8Array)
  const prefix = v4 !== null ? 96 + length : length
  for (let bit = prefix; bit < 128; bit++) {
    if (((network[bit >> 3] as number) >> (7 - (bit & 7))) & 1) {
      throw new CidrError(entry, `host bits are set after /${length} (did you mean the network address?)`)
    }
  }
  return { network, prefix }
}

/**
 * Reads a comma-separated list of addresses and CIDR ranges: `10.0.0.0/8,192.168.0.0/16,::1,fd00::/8`.
 * A bare address is a single host (`/32`, `/128`). Spaces around entries are allowed; an empty entry, a
 * prefix out of range, host bits set after the prefix (`10.0.0.1/8`), or a zone (`%eth0`) is an error.
 *
 * @param list - the list, or an array of entries
 * @returns the matcher
 * @throws CidrError naming the first entry that is not valid
 * @example
 * ```ts
 * const trusted = parseCidrList('127.0.0.1,::1')
 * app.listen(8080, '0.0.0.0', { proxyProtocol: { trusted } })
 * ```
 */
export function parseCidrList(list: string | readonly string[]): CidrList {
  const raw = typeof list === 'string' ? list.split(',') : list
  const entries: string[] = []
  const ranges: Range[] = []
  for (const item of raw) {
    const entry = item.trim()
    if (entry === '') throw new CidrError(item, 'an empty entry')
    ranges.push(parseEntry(entry))
    entries.push(entry)
  }
  return new CidrList(ranges, entries)
}
