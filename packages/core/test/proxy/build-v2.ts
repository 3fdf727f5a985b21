/** Builds v2 PROXY headers byte by byte for the tests (independent of the parser). */

export const SIGNATURE = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]

export interface V2Parts {
  versionCommand?: number
  familyTransport?: number
  /** The address block and TLVs after the fixed 16 bytes. */
  body?: number[]
  /** Overrides the length field (else body.length). */
  length?: number
}

export function v2(parts: V2Parts): Buffer {
  const body = parts.body ?? []
  const length = parts.length ?? body.length
  return Buffer.from([...SIGNATURE, parts.versionCommand ?? 0x21, parts.familyTransport ?? 0x11, length >> 8, length & 0xff, ...body])
}

export function ipv4(text: string): number[] {
  return text.split('.').map(Number)
}

export function ipv6(groups: number[]): number[] {
  return groups.flatMap(g => [g >> 8, g & 0xff])
}

export function port(n: number): number[] {
  return [n >> 8, n & 0xff]
}

export function tlv(type: number, value: number[]): number[] {
  return [type, value.length >> 8, value.length & 0xff, ...value]
}

export function unixPath(path: string): number[] {
  const bytes = [...Buffer.from(path)]
  return [...bytes, ...new Array<number>(108 - bytes.length).fill(0)]
}

/** An AF_INET/STREAM PROXY header for 192.0.2.1:56324 → 198.51.100.2:443 with optional TLVs. */
export function inet4(tlvs: number[] = [], versionCommand = 0x21): Buffer {
  return v2({ versionCommand, familyTransport: 0x11, body: [...ipv4('192.0.2.1'), ...ipv4('198.51.100.2'), ...port(56324), ...port(443), ...tlvs] })
}
