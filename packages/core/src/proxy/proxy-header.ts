/**
 * What a PROXY protocol header says (v1 text or v2 binary, https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt),
 * and the errors a header can have. The parsers are in `parse-v1.ts`, `parse-v2.ts` and `proxy-parser.ts`.
 */

/**
 * The address family of a header: `tcp4`/`tcp6` carry addresses (v1 `TCP4`/`TCP6`, v2 `AF_INET`/`AF_INET6`),
 * `unix` carries socket paths (v2 `AF_UNIX`), `unknown` carries none (v1 `UNKNOWN`, v2 `AF_UNSPEC`, and
 * every v2 `LOCAL` header).
 */
export type ProxyFamily = 'tcp4' | 'tcp6' | 'unix' | 'unknown'

/** One v2 TLV (type-length-value) record, as sent. */
export interface ProxyTlv {
  /** The type byte (`0x01` ALPN, `0x02` authority, `0x04` no-op, `0x05` unique id, `0x20` SSL, …). */
  readonly type: number
  /** The value bytes (a view into a copy of the header). */
  readonly value: Uint8Array
}

/**
 * A parsed PROXY header.
 *
 * @example
 * ```ts
 * const header: ProxyHeader = {
 *   version: 1, command: 'proxy', family: 'tcp4', transport: 'stream',
 *   source: { address: '192.0.2.1', port: 56324 }, destination: { address: '198.51.100.2', port: 443 },
 *   tlvs: [],
 * }
 * ```
 */
export interface ProxyHeader {
  /** 1 (text) or 2 (binary). */
  readonly version: 1 | 2
  /**
   * `proxy`: the connection was relayed for the source below. `local`: the proxy made the connection
   * itself (a health check); the addresses are not to be used (v2 only; v1 has no LOCAL).
   */
  readonly command: 'proxy' | 'local'
  /** The family; addresses are present only for `tcp4`, `tcp6` and `unix`. */
  readonly family: ProxyFamily
  /** `stream` (TCP) or `dgram` (UDP, v2 only); `unspec` when the header says nothing. */
  readonly transport: 'stream' | 'dgram' | 'unspec'
  /** The original client (IP text as Node reports it; `port` 0 for `unix`), or null when not given. */
  readonly source: ProxyEndpoint | null
  /** The address the client connected to, or null when not given. */
  readonly destination: ProxyEndpoint | null
  /** The v2 TLVs in order (always empty for v1). */
  readonly tlvs: readonly ProxyTlv[]
}

/** An address and port from a header. */
export interface ProxyEndpoint {
  /** IPv4 dotted decimal, IPv6 in RFC 5952 form, or a Unix socket path. */
  readonly address: string
  /** The port, 0–65535 (0 for a Unix socket). */
  readonly port: number
}

/** Why a PROXY header was refused. */
export type ProxyErrorCode =
  /** The first bytes are neither `PROXY ` nor the v2 signature: the connection has no header. */
  | 'missing-header'
  /** The connection ended before the header was complete. */
  | 'truncated'
  /** v1: no CRLF within 107 bytes. */
  | 'v1-too-long'
  /** v1: not `TCP4`, `TCP6` or `UNKNOWN`. */
  | 'v1-bad-protocol'
  /** v1: an address that is not of the family, or not in canonical text form. */
  | 'v1-bad-address'
  /** v1: a port that is not a decimal 0–65535 without leading zeros. */
  | 'v1-bad-port'
  /** v1: wrong number of fields, a double space, a bare CR or LF, a byte outside US-ASCII. */
  | 'v1-bad-syntax'
  /** v2: version nibble other than 2. */
  | 'v2-bad-version'
  /** v2: command other than LOCAL (0) or PROXY (1). */
  | 'v2-bad-command'
  /** v2: address family or transport outside the specification. */
  | 'v2-bad-family'
  /** v2: the length is shorter than the addresses of its family. */
  | 'v2-bad-length'
  /** v2: the TLV block is larger than the configured limit. */
  | 'v2-tlv-too-large'
  /** v2: a TLV that runs past the end of the header. */
  | 'v2-bad-tlv'

/**
 * A PROXY header that cannot be accepted. The listener closes such a connection without writing.
 *
 * @example
 * ```ts
 * const step = parser.push(chunk)
 * if (step.kind === 'error') debug('PROXY header refused: %s', step.error.code)
 * ```
 */
export class ProxyProtocolError extends Error {
  /** What is wrong. */
  readonly code: ProxyErrorCode

  /**
   * @param code - what is wrong
   * @param message - details
   */
  constructor(code: ProxyErrorCode, message: string) {
    super(message)
    this.name = 'ProxyProtocolError'
    this.code = code
  }
}

/** Limits of the PROXY header parser. */
export interface ProxyParserLimits {
  /**
   * Largest v2 TLV block (the bytes after the addresses) in bytes; a header announcing more is refused as
   * soon as its 16-byte fixed part has arrived. HAProxy sends a few dozen bytes (more with `ssl` TLVs).
   * @defaultValue 2048
   */
  maxTlvBytes?: number
}

/** The default {@link ProxyParserLimits.maxTlvBytes}. */
export const DEFAULT_MAX_TLV_BYTES = 2048

/** v1 headers are at most 107 bytes, CRLF included (the specification's own bound). */
export const V1_MAX_LENGTH = 107

/** The 12-byte v2 signature: `\r\n\r\n\0\r\nQUIT\n`. */
export const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a])

/** The 6-byte v1 prefix: `PROXY `. */
export const V1_PREFIX = Buffer.from('PROXY ', 'latin1')
