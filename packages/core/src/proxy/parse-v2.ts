import { formatIPv4, formatIPv6 } from './ip-address.js'
import { INCOMPLETE, type ParsedProxyHeader } from './parse-v1.js'
import { ProxyProtocolError, type ProxyEndpoint, type ProxyFamily, type ProxyHeader, type ProxyTlv } from './proxy-header.js'

/** Bytes of the fixed part: signature (12), version and command, family and transport, length (2). */
export const V2_FIXED_LENGTH = 16

/** Address block sizes by family nibble: AF_UNSPEC, AF_INET, AF_INET6, AF_UNIX. */
const ADDRESS_BYTES = [0, 12, 36, 216] as const
const FAMILIES: readonly ProxyFamily[] = ['unknown', 'tcp4', 'tcp6', 'unix']
const TRANSPORTS = ['unspec', 'stream', 'dgram'] as const

/**
 * Parses a v2 (binary) header from the start of `input`, which begins with the 12-byte signature (the
 * caller checked): version 2, command LOCAL or PROXY, family AF_UNSPEC/AF_INET/AF_INET6/AF_UNIX with
 * transport UNSPEC/STREAM/DGRAM, a length at least the size of the family's addresses, and TLVs filling the
 * rest exactly. The fixed 16 bytes are checked as soon as they are here, so a header announcing a TLV
 * block over `maxTlvBytes` is refused before its bytes arrive.
 *
 * A LOCAL header's addresses are skipped (the specification says to ignore them) and it reports family
 * `unknown`; its TLVs are still read.
 *
 * @param input - the bytes received so far
 * @param maxTlvBytes - the largest TLV block accepted
 * @returns the header, or {@link INCOMPLETE} while it has not fully arrived
 * @throws ProxyProtocolError with a `v2-…` code
 * @example
 * ```ts
 * const parsed = parseV2(bytes, 2048)
 * if (parsed !== null) parsed.header.source // { address: '192.0.2.1', port: 56324 }
 * ```
 */
export function parseV2(input: Uint8Array, maxTlvBytes: number): ParsedProxyHeader | null {
  if (input.length < 13) return INCOMPLETE
  const versionCommand = input[12] as number
  if (versionCommand >> 4 !== 2) throw new ProxyProtocolError('v2-bad-version', `version ${versionCommand >> 4}, not 2`)
  const commandBits = versionCommand & 0x0f
  if (commandBits > 1) throw new ProxyProtocolError('v2-bad-command', `command ${commandBits} is neither LOCAL nor PROXY`)
  if (input.length < 14) return INCOMPLETE
  const familyByte = input[13] as number
  const familyBits = familyByte >> 4
  const transportBits = familyByte & 0x0f
  if (familyBits > 3 || transportBits > 2) {
    throw new ProxyProtocolError('v2-bad-family', `address family ${familyBits} / transport ${transportBits}`)
  }
  if (input.length < V2_FIXED_LENGTH) return INCOMPLETE
  const length = ((input[14] as number) << 8) | (input[15] as number)
  const addressBytes = ADDRESS_BYTES[familyBits as 0 | 1 | 2 | 3]
  if (length < addressBytes) {
    throw new ProxyProtocolError('v2-bad-length', `length ${length} is shorter than the ${addressBytes} address bytes`)
  }
  if (length - addressBytes > maxTlvBytes) {
    throw new ProxyProtocolError('v2-tlv-too-large', `a TLV block of ${length - addressBytes} bytes (limit ${maxTlvBytes})`)
  }
  const total = V2_FIXED_LENGTH + length
  if (input.length < total) return INCOMPLETE
  // A copy: the header outlives the socket's buffer, and its TLV values are views into it.
  const bytes = Uint8Array.prototype.slice.call(input, V2_FIXED_LENGTH, total)
  const tlvs = readTlvs(bytes, addressBytes)
  const local = commandBits === 0
  const family = local ? 'unknown' : (FAMILIES[familyBits] as ProxyFamily)
  const transport = TRANSPORTS[transportBits] as ProxyHeader['transport']
  const [source, destination] = local ? [null, null] : endpoints(bytes, familyBits)
  return { header: { version: 2, command: local ? 'local' : 'proxy', family, transport, source, destination, tlvs }, consumed: total }
}

function endpoints(bytes: Uint8Array, familyBits: number): [ProxyEndpoint | null, ProxyEndpoint | null] {
  switch (familyBits) {
    case 1:
      return [
        { address: formatIPv4(bytes, 0), port: u16(bytes, 8) },
        { address: formatIPv4(bytes, 4), port: u16(bytes, 10) },
      ]
    case 2:
      return [
        { address: formatIPv6(bytes, 0), port: u16(bytes, 32) },
        { address: formatIPv6(bytes, 16), port: u16(bytes, 34) },
      ]
    case 3:
      return [
        { address: unixPath(bytes, 0), port: 0 },
        { address: unixPath(bytes, 108), port: 0 },
      ]
    default:
      return [null, null]
  }
}

function u16(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] as number) << 8) | (bytes[offset + 1] as number)
}

/** A 108-byte `sun_path`: the bytes up to the first NUL. */
function unixPath(bytes: Uint8Array, offset: number): string {
  let end = offset
  while (end < offset + 108 && bytes[end] !== 0) end++
  return Buffer.from(bytes.buffer, bytes.byteOffset + offset, end - offset).toString('utf8')
}

function readTlvs(bytes: Uint8Array, from: number): ProxyTlv[] {
  const tlvs: ProxyTlv[] = []
  let at = from
  while (at < bytes.length) {
    if (bytes.length - at < 3) throw new ProxyProtocolError('v2-bad-tlv', `${bytes.length - at} stray bytes after the last TLV`)
    const size = u16(bytes, at + 1)
    if (at + 3 + size > bytes.length) throw new ProxyProtocolError('v2-bad-tlv', `a TLV of ${size} bytes runs past the header`)
    tlvs.push({ type: bytes[at] as number, value: bytes.subarray(at + 3, at + 3 + size) })
    at += 3 + size
  }
  return tlvs
}
