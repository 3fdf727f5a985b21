import { parseExtensions, type ExtensionOffer } from './extension-header.js'
import type { PerMessageDeflateOptions } from './options.js'
import { checkOptions } from './options.js'

/**
 * The registered name of the extension (RFC 7692 §7).
 *
 * @example
 * ```ts
 * offers.filter((o) => o.name === PERMESSAGE_DEFLATE)
 * ```
 */
export const PERMESSAGE_DEFLATE = 'permessage-deflate'

/**
 * The parameters both ends agreed on for one connection (RFC 7692 §7.1), as the server sees them.
 *
 * @example
 * ```ts
 * const params: DeflateParams = {
 *   serverNoContextTakeover: false, clientNoContextTakeover: true,
 *   serverMaxWindowBits: 15, clientMaxWindowBits: 15,
 * }
 * ```
 */
export interface DeflateParams {
  /** The server resets its compressor after every message. */
  readonly serverNoContextTakeover: boolean
  /** The client resets its compressor after every message (so the server may reset its inflater). */
  readonly clientNoContextTakeover: boolean
  /** log2 of the window the server compresses with: 9–15. */
  readonly serverMaxWindowBits: number
  /** log2 of the window the client compresses with: 8–15 (the server inflates with at least 9). */
  readonly clientMaxWindowBits: number
}

/**
 * An accepted offer: the `Sec-WebSocket-Extensions` value for the 101 response and the agreed
 * parameters for {@link MessageDeflate}.
 *
 * @example
 * ```ts
 * const agreed: DeflateAgreement = { response: 'permessage-deflate', params }
 * ```
 */
export interface DeflateAgreement {
  readonly response: string
  readonly params: DeflateParams
}

const WINDOW_BITS = /^(?:[89]|1[0-5])$/

/**
 * The smallest window zlib really compresses with: it turns a raw deflate window of 8 into 9, so a
 * server that promised 8 could emit distances its peer cannot resolve. Offers that demand 8 from
 * the server are declined (RFC 7692 §7: "the server doesn't support the offered configuration").
 */
const SMALLEST_DEFLATE_WINDOW = 9

/** Reads one offer's parameters; `null` when RFC 7692 §7 says the server MUST decline it. */
function readOfferParams(offer: ExtensionOffer): Map<string, string | true> | null {
  const seen = new Map<string, string | true>()
  for (const [name, value] of offer.params) {
    if (seen.has(name)) return null // the same parameter twice
    switch (name) {
      case 'server_no_context_takeover':
      case 'client_no_context_takeover':
        if (value !== true) return null // these have no value (§7.1.1)
        break
      case 'server_max_window_bits':
        if (value === true || !WINDOW_BITS.test(value)) return null // a value 8–15 is required (§7.1.2.1)
        break
      case 'client_max_window_bits':
        if (value !== true && !WINDOW_BITS.test(value)) return null // no value, or 8–15 (§7.1.2.2)
        break
      default:
        return null // a parameter not defined for an offer
    }
    seen.set(name, value)
  }
  return seen
}

/** Answers one valid offer, or `null` when this server cannot honour it. */
function answer(offered: Map<string, string | true>, options: PerMessageDeflateOptions): DeflateAgreement | null {
  const serverBitsOffer = offered.get('server_max_window_bits')
  const clientBitsOffer = offered.get('client_max_window_bits')
  const serverCap = options.serverMaxWindowBits ?? 15
  const serverBits = Math.min(serverCap, serverBitsOffer === undefined ? 15 : Number(serverBitsOffer))
  if (serverBits < SMALLEST_DEFLATE_WINDOW) return null
  // A client that did not name client_max_window_bits may not be told one (§7.1.2.2); if this server
  // wants the client's window bounded, it declines such an offer rather than inflate a bigger one.
  const clientCap = options.clientMaxWindowBits
  if (clientCap !== undefined && clientBitsOffer === undefined) return null
  const clientOffer = clientBitsOffer === undefined || clientBitsOffer === true ? 15 : Number(clientBitsOffer)
  const clientBits = Math.min(clientCap ?? 15, clientOffer)

  const params: DeflateParams = {
    serverNoContextTakeover: offered.has('server_no_context_takeover') || options.serverNoContextTakeover === true,
    clientNoContextTakeover: offered.has('client_no_context_takeover') || options.clientNoContextTakeover === true,
    serverMaxWindowBits: serverBits,
    clientMaxWindowBits: clientBits,
  }
  let response = PERMESSAGE_DEFLATE
  if (params.serverNoContextTakeover) response += '; server_no_context_takeover'
  if (params.clientNoContextTakeover) response += '; client_no_context_takeover'
  // §7.1.2.1: the server MAY name its window even when the offer did not.
  if (serverBitsOffer !== undefined || serverBits < 15) response += `; server_max_window_bits=${serverBits}`
  if (clientCap !== undefined || typeof clientBitsOffer === 'string') response += `; client_max_window_bits=${clientBits}`
  return { response, params }
}

/**
 * Negotiates permessage-deflate (RFC 7692 §5, §7) from a request's `Sec-WebSocket-Extensions`:
 * takes the first `permessage-deflate` offer this server can accept and returns the response header
 * value and the agreed parameters, or `null` when there is no acceptable offer (then the 101 carries
 * no extension and messages are never compressed).
 *
 * An offer is declined, and the next one tried, when it has a parameter not defined for an offer, a
 * parameter twice, a value where none is allowed or none where one is required, a window outside
 * 8–15 or written with a leading zero, `server_max_window_bits=8` (zlib cannot compress with a
 * 256-byte window), or no `client_max_window_bits` while `options.clientMaxWindowBits` is set.
 * A header that is not an extension list at all yields `null`.
 *
 * @param offerHeader - the request's `Sec-WebSocket-Extensions` value(s), or undefined
 * @param options - what this server accepts ({@link PerMessageDeflateOptions})
 * @returns the agreement, or null
 * @throws TypeError for options out of range
 * @example
 * ```ts
 * const agreed = negotiateDeflate('permessage-deflate; client_max_window_bits', { threshold: 1024 })
 * // agreed.response === 'permessage-deflate'
 * // agreed.params.clientMaxWindowBits === 15
 * ```
 */
export function negotiateDeflate(
  offerHeader: string | readonly string[] | undefined,
  options: PerMessageDeflateOptions = {},
): DeflateAgreement | null {
  checkOptions(options)
  if (offerHeader === undefined) return null
  const parsed = parseExtensions(offerHeader)
  if (!parsed.ok) return null
  for (const offer of parsed.offers) {
    if (offer.name !== PERMESSAGE_DEFLATE) continue
    const offered = readOfferParams(offer)
    if (offered === null) continue
    const agreed = answer(offered, options)
    if (agreed !== null) return agreed
  }
  return null
}
