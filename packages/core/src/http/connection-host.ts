import type { Duplex } from 'node:stream'
import type { BodySource } from './body-source.js'
import type { DeadlineSet } from './deadline-set.js'
import type { ParserLimits } from './parser-limits.js'
import type { Peer } from './peer.js'
import type { RequestHead } from './request-head.js'
import type { ResponsePlan, UpgradeLifecycle } from './response-plan.js'
import type { WireStats } from './wire-stats.js'

/** Timeouts and limits of a connection (all in milliseconds / counts). */
export interface ConnectionOptions {
  /** From the first byte of a request (or from connect) until its header section is complete → 408. */
  headersTimeout: number
  /** From the first byte of a request until its body has fully arrived → 408. */
  requestTimeout: number
  /** Idle time between requests before the connection is closed. */
  keepAliveTimeout: number
  /** How long a blocked write (a client that does not read) may wait for `drain`. */
  sendTimeout: number
  /** Requests served on one connection before it closes; 0 = no limit. */
  maxRequestsPerSocket: number
  /** Parsed requests queued behind the one being answered before reading pauses. */
  maxPipelined: number
  /** After an early answer, how long to discard an unfinished request body (or linger) before closing. */
  lingerTimeout: number
  /** After an early answer, how many body bytes to discard (or drop while lingering) before closing. */
  lingerBytes: number
  /** Parser limits. */
  limits: ParserLimits
}

/**
 * What the wire needs from the host that owns its connections (the App): someone to answer a request,
 * and bookkeeping. The wire hands over a parsed head and a body source and takes back a
 * {@link ResponsePlan}; it never sees the host's request, response or errors.
 *
 * @example
 * ```ts
 * const host: ConnectionHost = {
 *   serve: (head, body, peer) => planFor(head),
 *   closing: false,
 *   draining: false,
 *   deadlines: new DeadlineSet(250),
 *   release: conn => connections.delete(conn),
 *   adopt: socket => (upgraded.add(socket), { onAppClose: () => {} }),
 *   wireStats: new WireStats(),
 * }
 * ```
 * @internal
 */
export interface ConnectionHost {
  /**
   * Answers one request: the plan now (a synchronous answer: the wire writes it at once and goes on to
   * the next pipelined request), or a promise of it that rejects only when nothing can be sent any more
   * (the wire then cuts the connection).
   *
   * @param head - the parsed request head
   * @param body - the body as it arrives, or null when the request has none
   * @param peer - the other end of the connection (its address is read only when asked)
   * @param secure - whether the connection is TLS
   */
  serve(head: RequestHead, body: BodySource | null, peer: Peer, secure: boolean): ResponsePlan | Promise<ResponsePlan>
  /** Whether the host is shutting down (upgrades are refused with `503`). */
  readonly closing: boolean
  /** Whether the host drains or shuts down: every answer from now on gets `Connection: close`. */
  readonly draining: boolean
  /** The deadlines of every connection. */
  readonly deadlines: DeadlineSet
  /** The connection is finished (socket closed, or handed over after an upgrade). */
  release(conn: object): void
  /**
   * A socket that switched protocols, about to be handed to its upgrade handler: no longer an HTTP
   * connection, but the host still ends it when it closes.
   *
   * @returns what the upgrade handler gets to hook into the host's shutdown
   */
  adopt(socket: Duplex): UpgradeLifecycle
  /** Counters the wire increments: requests it answered itself, by code. */
  readonly wireStats: WireStats
}
