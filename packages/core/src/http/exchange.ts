import type { BodySource } from './body-source.js'
import type { RequestHead } from './request-head.js'
import type { ResponsePlan } from './response-plan.js'

/**
 * One request on its way through a connection: parsed, queued, answered. Made when its head is parsed
 * (or when the wire must answer on its own), dropped once its answer has been written.
 *
 * @internal
 */
export interface Exchange {
  /** The parsed head (null for a parse error or timeout before a head). */
  head: RequestHead | null
  /** The body the parser fills, or null when the request has none. */
  body: BodySource | null
  /** Status of a minimal response the wire sends instead of asking the host (parse error, 417, 408); else 0. */
  errorStatus: number
  /** Epoch ms of the first byte of this request. */
  start: number
  /** The host's answer, once it is being written. */
  plan: ResponsePlan | null
  /** Whether the request asked for a protocol upgrade (an `Upgrade` field): parsing pauses behind it. */
  upgrade: boolean
}

/**
 * A wire-made exchange: the minimal answer `status` (with `Connection: close`) instead of the host's.
 *
 * @param head - the head, if one was parsed
 * @param status - e.g. 400, 408, 417
 * @param start - clock ms ({@link monotonicMs}) of its first byte
 * @returns the exchange
 * @example
 * ```ts
 * queue.push(wireAnswer(null, 408, Date.now()))
 * ```
 * @internal
 */
export function wireAnswer(head: RequestHead | null, status: number, start: number): Exchange {
  return { head, body: null, errorStatus: status, start, plan: null, upgrade: false }
}

/**
 * Whether a request head carries an `Upgrade` field (RFC 9110 §7.8).
 *
 * @param head - the parsed head
 * @returns true when the client offered to switch protocols
 * @example
 * ```ts
 * if (asksUpgrade(head)) pauseParsingBehind(head)
 * ```
 * @internal
 */
export function asksUpgrade(head: RequestHead): boolean {
  const raw = head.rawHeaders
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string
    if (name.length === 7 && name.toLowerCase() === 'upgrade') return true
  }
  return false
}
