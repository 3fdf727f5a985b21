import type { Peer } from '../http/peer.js'
import { RequestHeaders } from '../http/request-headers.js'
import type { CidrList } from './cidr.js'
import { formatIPv6, parseIPv4, parseIPv6 } from './ip-address.js'

/** One hop of a forwarding chain: an address, and a port when the proxy gave one. */
export interface ForwardedNode {
  readonly address: string
  readonly port: number | undefined
}

/**
 * Reads a node (`for=` value of `Forwarded`, or an `X-Forwarded-For` entry): `192.0.2.1`,
 * `192.0.2.1:8080`, `[2001:db8::1]`, `[2001:db8::1]:4711`, and (only in `X-Forwarded-For`, where proxies
 * write it so) a bare `2001:db8::1`. `unknown`, an obfuscated name (`_hidden`) or anything else is null:
 * no address one could check.
 *
 * @param text - the node, unquoted
 * @returns the node, or null
 * @example
 * ```ts
 * parseNode('[2001:db8:cafe::17]:4711') // { address: '2001:db8:cafe::17', port: 4711 }
 * ```
 */
export function parseNode(text: string): ForwardedNode | null {
  let host = text
  let portText: string | undefined
  if (text.startsWith('[')) {
    const close = text.indexOf(']')
    if (close < 0) return null
    host = text.slice(1, close)
    const after = text.slice(close + 1)
    if (after !== '') {
      if (!after.startsWith(':')) return null
      portText = after.slice(1)
    }
    if (parseIPv6(host) === null) return null
  } else if (parseIPv6(text) !== null) {
    host = text
  } else {
    const colon = text.indexOf(':')
    if (colon >= 0) {
      host = text.slice(0, colon)
      portText = text.slice(colon + 1)
    }
    if (parseIPv4(host) === null) return null
  }
  let port: number | undefined
  if (portText !== undefined) {
    // An obfuscated port (`_abc`) says nothing usable; a malformed one makes the node unusable.
    if (/^_[A-Za-z0-9._-]+$/.test(portText)) port = undefined
    else if (/^(0|[1-9][0-9]{0,4})$/.test(portText) && Number(portText) <= 65535) port = Number(portText)
    else return null
  }
  const v6 = host.includes(':') ? parseIPv6(host) : null
  return { address: v6 === null ? host : formatIPv6(v6, 0), port }
}

/**
 * Splits a comma-separated field value outside quoted strings.
 */
function splitOutsideQuotes(value: string, separator: string): string[] | null {
  const parts: string[] = []
  let start = 0
  let quoted = false
  for (let i = 0; i < value.length; i++) {
    const c = value[i]
    if (quoted) {
      if (c === '\\') i++
      else if (c === '"') quoted = false
    } else if (c === '"') quoted = true
    else if (c === separator) {
      parts.push(value.slice(start, i))
      start = i + 1
    }
  }
  if (quoted) return null
  parts.push(value.slice(start))
  return parts
}

/**
 * The `for=` nodes of `Forwarded` (RFC 7239 §4) from left (the client, as the first proxy saw it) to right
 * (the last proxy's view), one per element (an element without `for`, with `unknown`, an obfuscated node
 * or a malformed one gives null); null for the whole when the field is not well formed (an unclosed
 * quote, a pair without `=`).
 *
 * @param values - the field lines
 * @example
 * ```ts
 * forwardedFor(['for=192.0.2.60;proto=http, for="[2001:db8::1]:4711"']) // [{ address: '192.0.2.60', … }, { address: '2001:db8::1', port: 4711 }]
 * ```
 */
export function forwardedFor(values: readonly string[]): Array<ForwardedNode | null> | null {
  const nodes: Array<ForwardedNode | null> = []
  for (const line of values) {
    const elements = splitOutsideQuotes(line, ',')
    if (elements === null) return null
    for (const element of elements) {
      if (element.trim() === '') continue
      const pairs = splitOutsideQuotes(element, ';')
      let node: ForwardedNode | null = null
      for (const pair of pairs as string[]) {
        if (pair.trim() === '') continue
        const eq = pair.indexOf('=')
        if (eq <= 0) return null
        if (pair.slice(0, eq).trim().toLowerCase() !== 'for') continue
        let value = pair.slice(eq + 1).trim()
        if (value.startsWith('"')) {
          if (value.length < 2 || !value.endsWith('"')) return null
          value = value.slice(1, -1).replace(/\\(.)/g, '$1')
        }
        node = parseNode(value)
      }
      nodes.push(node)
    }
  }
  return nodes
}

/**
 * The client address behind trusted proxies: starting from the direct peer, walk the chain from the
 * right while the address at hand is trusted; the first untrusted address is the client. The chain is
 * `Forwarded` when the request has one (then `X-Forwarded-For` is ignored), else `X-Forwarded-For`. When
 * the walk reaches an entry that names no address (`unknown`, obfuscated, malformed), or the field is
 * malformed, it stops at the last trusted hop: nothing further left can be checked. When every entry is
 * trusted, the left-most is the client.
 *
 * @param peer - the direct peer (the socket's, or a PROXY header's)
 * @param headers - the request's fields
 * @param trusted - the proxies whose fields are believed
 * @returns the client address and port (port undefined when the entry had none)
 * @example
 * ```ts
 * clientBehindProxies({ remoteAddress: '10.0.0.2', remotePort: 4711 }, headers, parseCidrList('10.0.0.0/8'))
 * // X-Forwarded-For: 203.0.113.7, 10.0.0.9 → { address: '203.0.113.7', port: undefined }
 * ```
 */
export function clientBehindProxies(peer: { readonly remoteAddress?: string | undefined; readonly remotePort?: number | undefined }, headers: RequestHeaders, trusted: CidrList): { address: string | undefined; port: number | undefined } {
  let current = { address: peer.remoteAddress, port: peer.remotePort }
  if (!trusted.contains(current.address)) return current
  const forwarded = headers.getAll('forwarded')
  let chain: Array<ForwardedNode | null> | null
  if (forwarded.length > 0) chain = forwardedFor(forwarded)
  else {
    chain = []
    for (const line of headers.getAll('x-forwarded-for')) {
      for (const entry of line.split(',')) {
        const trimmed = entry.trim()
        if (trimmed !== '') chain.push(parseNode(trimmed))
      }
    }
  }
  if (chain === null) return current
  for (let i = chain.length - 1; i >= 0; i--) {
    const node = chain[i]
    if (node == null) return current
    current = node
    if (!trusted.contains(node.address)) return current
  }
  return current
}

/**
 * The peer a request reports under the App's `trustProxy`: the direct peer's view, corrected by
 * {@link clientBehindProxies} the first time it is asked (nothing is parsed for a request nobody asks).
 * @internal
 */
export class ForwardedPeer implements Peer {
  readonly #peer: Peer
  readonly #rawHeaders: readonly string[]
  readonly #trusted: CidrList
  #resolved: { address: string | undefined; port: number | undefined } | null = null

  /**
   * @param peer - the direct peer
   * @param rawHeaders - the request's fields, flat name/value pairs as parsed
   * @param trusted - the trusted proxies
   */
  constructor(peer: Peer, rawHeaders: readonly string[], trusted: CidrList) {
    this.#peer = peer
    this.#rawHeaders = rawHeaders
    this.#trusted = trusted
  }

  #resolve(): { address: string | undefined; port: number | undefined } {
    if (this.#resolved !== null) return this.#resolved
    return (this.#resolved = clientBehindProxies(this.#peer, new RequestHeaders(this.#rawHeaders), this.#trusted))
  }

  get remoteAddress(): string | undefined {
    return this.#resolve().address
  }

  get remotePort(): number | undefined {
    return this.#resolve().port
  }
}
