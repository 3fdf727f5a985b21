/**
 * IP addresses as bytes: strict text parsers for IPv4 and IPv6 and the RFC 5952 text form, shared by the
 * PROXY protocol parser, the CIDR matcher and the `Forwarded` reader. Every address is held as 16 bytes
 * (an IPv4 address as its IPv4-mapped IPv6 form, `::ffff:a.b.c.d`), so one comparison serves both families.
 */

/**
 * Parses dotted-decimal IPv4 (`192.0.2.1`): four decimal parts 0–255, no leading zeros (`010` could mean
 * octal to another reader, so it is refused), nothing else.
 *
 * @param text - the address
 * @returns the four bytes, or null when it is not exactly an IPv4 address
 * @example
 * ```ts
 * parseIPv4('10.0.0.1') // Uint8Array [10, 0, 0, 1]
 * parseIPv4('10.0.0.01') // null
 * ```
 */
export function parseIPv4(text: string): Uint8Array | null {
  const out = new Uint8Array(4)
  let part = 0
  let value = 0
  let digits = 0
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e
    if (c === 0x2e) {
      if (digits === 0 || part > 3) return null
      out[part++] = value
      value = 0
      digits = 0
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && value === 0) return null // a leading zero
      value = value * 10 + (c - 0x30)
      if (value > 255) return null
      digits++
    } else return null
  }
  return part === 4 ? out : null
}

/**
 * Parses IPv6 text (RFC 4291 §2.2): eight groups of 1–4 hex digits, one `::` for a run of zero groups, an
 * IPv4 tail (`::ffff:192.0.2.1`). No zone (`%eth0`), no brackets.
 *
 * @param text - the address
 * @returns the 16 bytes, or null when it is not exactly an IPv6 address
 * @example
 * ```ts
 * parseIPv6('2001:db8::1') // Uint8Array(16) [0x20, 0x01, 0x0d, 0xb8, 0, …, 1]
 * ```
 */
export function parseIPv6(text: string): Uint8Array | null {
  if (text.length < 2 || text.length > 45) return null
  const groups: number[] = []
  let gap = -1
  let i = 0
  if (text.startsWith('::')) {
    gap = 0
    i = 2
    if (text.length === 2) return new Uint8Array(16)
  }
  while (i < text.length) {
    let end = i
    let value = 0
    while (end < text.length && end - i < 5) {
      const d = hexDigit(text.charCodeAt(end))
      if (d < 0) break
      value = value * 16 + d
      end++
    }
    if (end < text.length && text.charCodeAt(end) === 0x2e) {
      // An IPv4 tail: the last 32 bits.
      const v4 = parseIPv4(text.slice(i))
      if (v4 === null || groups.length > 6) return null
      groups.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number))
      i = text.length
      break
    }
    if (end === i || end - i > 4) return null
    groups.push(value)
    i = end
    if (i === text.length) break
    if (text.charCodeAt(i) !== 0x3a) return null
    i++
    if (i < text.length && text.charCodeAt(i) === 0x3a) {
      if (gap >= 0) return null // a second '::'
      gap = groups.length
      i++
      if (i === text.length) break
    } else if (i === text.length) return null // a trailing single ':'
  }
  if (gap < 0 ? groups.length !== 8 : groups.length > 7) return null
  const out = new Uint8Array(16)
  const tail = groups.length - (gap < 0 ? groups.length : gap)
  for (let g = 0; g < groups.length; g++) {
    const slot = gap >= 0 && g >= gap ? 8 - tail + (g - gap) : g
    out[slot * 2] = (groups[g] as number) >> 8
    out[slot * 2 + 1] = (groups[g] as number) & 0xff
  }
  return out
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x61 && c <= 0x66) return c - 0x57
  if (c >= 0x41 && c <= 0x46) return c - 0x37
  return -1
}

/**
 * Parses either family into the 16-byte form (IPv4 → `::ffff:a.b.c.d`). A zone (`fe80::1%eth0`, as Node
 * reports link-local peers) is ignored.
 *
 * @param text - an IPv4 or IPv6 address
 * @returns 16 bytes, or null
 * @example
 * ```ts
 * parseIP('127.0.0.1') // the bytes of ::ffff:127.0.0.1
 * ```
 */
export function parseIP(text: string): Uint8Array | null {
  const v4 = parseIPv4(text)
  if (v4 !== null) return mapIPv4(v4)
  const zone = text.indexOf('%')
  return parseIPv6(zone > 0 ? text.slice(0, zone) : text)
}

/**
 * The IPv4-mapped IPv6 form of an IPv4 address.
 *
 * @param v4 - four bytes
 * @returns sixteen bytes, `::ffff:a.b.c.d`
 * @example
 * ```ts
 * mapIPv4(Uint8Array.of(10, 0, 0, 1)) // ::ffff:10.0.0.1
 * ```
 */
export function mapIPv4(v4: Uint8Array): Uint8Array {
  const out = new Uint8Array(16)
  out[10] = 0xff
  out[11] = 0xff
  out.set(v4.subarray(0, 4), 12)
  return out
}

/**
 * Formats 4 bytes as dotted decimal.
 *
 * @param bytes - the buffer
 * @param offset - where the four bytes start
 * @example
 * ```ts
 * formatIPv4(Uint8Array.of(127, 0, 0, 1), 0) // '127.0.0.1'
 * ```
 */
export function formatIPv4(bytes: Uint8Array, offset: number): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`
}

/**
 * Formats 16 bytes as IPv6 text the way RFC 5952 says (lowercase, no leading zeros, the longest run of
 * two or more zero groups as `::`, the first when tied) and as Node reports peers (`::ffff:1.2.3.4` for
 * an IPv4-mapped address).
 *
 * @param bytes - the buffer
 * @param offset - where the sixteen bytes start
 * @example
 * ```ts
 * formatIPv6(parseIPv6('2001:0db8:0:0:0:0:0:1')!, 0) // '2001:db8::1'
 * ```
 */
export function formatIPv6(bytes: Uint8Array, offset: number): string {
  const groups: number[] = []
  for (let g = 0; g < 8; g++) groups.push(((bytes[offset + g * 2] as number) << 8) | (bytes[offset + g * 2 + 1] as number))
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    return `::ffff:${formatIPv4(bytes, offset + 12)}`
  }
  let bestStart = -1
  let bestLength = 1
  for (let g = 0; g < 8; ) {
    if (groups[g] !== 0) {
      g++
      continue
    }
    let end = g
    while (end < 8 && groups[end] === 0) end++
    if (end - g > bestLength) {
      bestStart = g
      bestLength = end - g
    }
    g = end
  }
  const hex = (from: number, to: number): string =>
    groups
      .slice(from, to)
      .map(n => n.toString(16))
      .join(':')
  if (bestStart < 0) return hex(0, 8)
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`
}
