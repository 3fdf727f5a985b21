import { formatIPv6, parseIPv4, parseIPv6 } from './ip-address.js'
import { ProxyProtocolError, V1_MAX_LENGTH, type ProxyEndpoint, type ProxyHeader } from './proxy-header.js'

/** A complete header and how many bytes of the input it took. */
export interface ParsedProxyHeader {
  readonly header: ProxyHeader
  readonly consumed: number
}

/** The parse needs more bytes. */
export const INCOMPLETE = null

const UNKNOWN_HEADER_V1 = { version: 1, command: 'proxy', family: 'unknown', transport: 'unspec', source: null, destination: null, tlvs: [] } as const

/**
 * Parses a v1 (text) header from the start of `input`, which begins with `PROXY ` (the caller checked):
 * `PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n`, `PROXY TCP6 … \r\n`, `PROXY UNKNOWN…\r\n` (whatever
 * follows `UNKNOWN` up to the CRLF is ignored, as the specification says). Single spaces, canonical
 * addresses of the announced family, decimal ports 0–65535 without leading zeros, printable US-ASCII only,
 * at most 107 bytes with the CRLF. A byte that can never be valid is refused at once, before the CRLF.
 *
 * @param input - the bytes received so far
 * @returns the header, or {@link INCOMPLETE} while no CRLF has arrived
 * @throws ProxyProtocolError with a `v1-…` code
 * @example
 * ```ts
 * parseV1(Buffer.from('PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n'))?.header.source // { address: '192.0.2.1', port: 56324 }
 * ```
 */
export function parseV1(input: Uint8Array): ParsedProxyHeader | null {
  const limit = Math.min(input.length, V1_MAX_LENGTH)
  let end = -1
  for (let i = 0; i < limit; i++) {
    const c = input[i] as number
    if (c === 0x0d) {
      if (i + 1 >= V1_MAX_LENGTH) break // its LF would be byte 108
      if (i + 1 < input.length && input[i + 1] !== 0x0a) throw syntax('a CR not followed by LF')
      if (i + 1 < input.length) {
        end = i
        break
      }
    } else if (c < 0x20 || c > 0x7e) throw syntax('a byte outside printable US-ASCII')
  }
  if (end < 0) {
    if (input.length >= V1_MAX_LENGTH) throw new ProxyProtocolError('v1-too-long', 'no CRLF within 107 bytes')
    return INCOMPLETE
  }
  const line = Buffer.from(input.buffer, input.byteOffset, end).toString('latin1')
  return { header: parseLine(line), consumed: end + 2 }
}

function parseLine(line: string): ProxyHeader {
  const fields = line.split(' ')
  const protocol = fields[1]
  if (protocol === 'UNKNOWN') return UNKNOWN_HEADER_V1
  if (protocol !== 'TCP4' && protocol !== 'TCP6') {
    throw new ProxyProtocolError('v1-bad-protocol', 'the protocol must be TCP4, TCP6 or UNKNOWN')
  }
  if (fields.length !== 6) throw syntax(`${fields.length} space-separated fields instead of 6`)
  const v4 = protocol === 'TCP4'
  const source: ProxyEndpoint = { address: address(fields[2] as string, v4), port: port(fields[4] as string) }
  const destination: ProxyEndpoint = { address: address(fields[3] as string, v4), port: port(fields[5] as string) }
  return { version: 1, command: 'proxy', family: v4 ? 'tcp4' : 'tcp6', transport: 'stream', source, destination, tlvs: [] }
}

function address(text: string, v4: boolean): string {
  if (v4) {
    if (parseIPv4(text) === null) throw new ProxyProtocolError('v1-bad-address', 'not an IPv4 address in dotted decimal')
    return text
  }
  const bytes = parseIPv6(text)
  if (bytes === null) throw new ProxyProtocolError('v1-bad-address', 'not an IPv6 address')
  return formatIPv6(bytes, 0)
}

function port(text: string): number {
  if (!/^(0|[1-9][0-9]{0,4})$/.test(text) || Number(text) > 65535) {
    throw new ProxyProtocolError('v1-bad-port', 'a port must be a decimal number 0–65535 without leading zeros')
  }
  return Number(text)
}

function syntax(why: string): ProxyProtocolError {
  return new ProxyProtocolError('v1-bad-syntax', why)
}
