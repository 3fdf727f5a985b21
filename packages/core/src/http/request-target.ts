/**
 * The request-target (RFC 9112 §3.2) and the authority grammar it shares with `Host`: validation
 * of the four forms against the method, and the split into path, query and authority.
 * Internal to the parser.
 *
 * @module
 */
import { isIP } from 'node:net'
import * as bytes from './byte-scan.js'
import * as tables from './char-tables.js'
import { latin1 } from './byte-scan.js'
import type { ParseErrorCode } from './parse-error.js'
import type { MessageState } from './message-state.js'

// Module-local copies of the imported constants: V8 reads an imported binding through its module
// cell at every use (no constant folding), which made the parser's loops ~15 % slower than with local
// constants (bench/README.md, "Parser micro-benchmark"). Keep the constants of hot code local.
const { COLON, LBRACKET, PERCENT, QMARK, RBRACKET, SLASH, STAR } = bytes
const { HEX_VALUE, IP_LITERAL_CHAR, NOT_HEX, PATH_CHAR, QUERY_CHAR, REG_NAME_CHAR } = tables

/** True when `src[p]` is `%` followed by two hex digits before `e`. */
function isPctEncoded(src: Buffer, p: number, e: number): boolean {
  return p + 2 < e && HEX_VALUE[src[p + 1]] !== NOT_HEX && HEX_VALUE[src[p + 2]] !== NOT_HEX
}

/**
 * Validates `path [ "?" query ]` in `src[s..e)`: path bytes are pchar or `/`,
 * query bytes VCHAR except `#`, `%` always followed by two hex digits.
 *
 * @returns the index of the `?` (or `e` when there is no query), -1 when invalid
 */
function scanPathQuery(src: Buffer, s: number, e: number): number {
  let p = s
  while (p < e) {
    const b = src[p]
    if (PATH_CHAR[b] === 1) p++
    else if (b === QMARK) break
    else if (b === PERCENT && isPctEncoded(src, p, e)) p += 3
    else return -1
  }
  const q = p
  p++
  while (p < e) {
    const b = src[p]
    if (QUERY_CHAR[b] === 1) p++
    else if (b === PERCENT && isPctEncoded(src, p, e)) p += 3
    else return -1
  }
  return q
}

/**
 * Validates `uri-host [ ":" port ]` (RFC 9112 §3.2, RFC 3986 §3.2.2) in
 * `src[s..e)`. uri-host is an IP-literal (`[` IPv6address `]`, checked with
 * `node:net` `isIP`) or a reg-name (which includes IPv4); port is `*DIGIT`.
 *
 * @param requireHost - reject an empty uri-host
 * @param requirePort - require `:` and at least one port digit
 * @example
 * ```ts
 * validHostPort(Buffer.from('[::1]:8080'), 0, 10, true, true) // true
 * validHostPort(Buffer.from('[4712::abcd::]'), 0, 14, true, false) // false
 * ```
 */
export function validHostPort(src: Buffer, s: number, e: number, requireHost: boolean, requirePort: boolean): boolean {
  let p = s
  if (p < e && src[p] === LBRACKET) {
    p++
    const inner = p
    while (p < e && IP_LITERAL_CHAR[src[p]] === 1) p++
    if (p === inner || p >= e || src[p] !== RBRACKET) return false
    // RFC 3986 §3.2.2: the characters alone admit `[4712::abcd::]`; only an IPv6address is one.
    // (IPvFuture, `[v1.x]`, is refused: nothing can be served for it.)
    if (isIP(latin1(src, inner, p)) !== 6) return false
    p++
  } else {
    while (p < e) {
      const b = src[p]
      if (REG_NAME_CHAR[b] === 1) p++
      else if (b === PERCENT && isPctEncoded(src, p, e)) p += 3
      else break
    }
    if (requireHost && p === s) return false
  }
  if (p === e) return !requirePort
  if (src[p] !== COLON) return false
  p++
  const port = p
  while (p < e) {
    const d = src[p] - 0x30
    if (d < 0 || d > 9) return false
    p++
  }
  return !requirePort || p > port
}

/**
 * Validates the request-target `src[s..e)` against the method `m.method` (RFC 9112 §3.2) and records
 * its form and structure in `m`; the strings are created by {@link applyTarget}.
 *
 * @returns `null`, or `INVALID_TARGET`
 * @example
 * ```ts
 * const err = checkTarget(m, src, m.tokenStart, m.tokenEnd)
 * if (err === null) applyTarget(m, latin1(src, m.tokenStart, m.tokenEnd))
 * ```
 */
export function checkTarget(m: MessageState, src: Buffer, s: number, e: number): ParseErrorCode | null {
  const method = m.method
  const first = src[s]
  if (method === 'CONNECT') {
    // authority-form only (RFC 9112 §3.2.3): uri-host ":" port, no userinfo.
    if (!validHostPort(src, s, e, true, true)) return 'INVALID_TARGET'
    m.targetForm = 'authority'
    return null
  }
  if (first === SLASH) {
    const q = scanPathQuery(src, s, e)
    if (q < 0) return 'INVALID_TARGET'
    m.targetForm = 'origin'
    m.targetPathEnd = q - s
    m.targetQueryStart = q === e ? -1 : q - s + 1
    return null
  }
  if (first === STAR) {
    // asterisk-form only for OPTIONS (RFC 9112 §3.2.4).
    if (e - s !== 1 || method !== 'OPTIONS') return 'INVALID_TARGET'
    m.targetForm = 'asterisk'
    return null
  }
  // absolute-form (RFC 9112 §3.2.2): "http" / "https" "://" authority path-abempty [ "?" query ].
  let p = s
  if (e - s < 7 || (src[p] | 0x20) !== 0x68 || (src[p + 1] | 0x20) !== 0x74 ||
      (src[p + 2] | 0x20) !== 0x74 || (src[p + 3] | 0x20) !== 0x70) {
    return 'INVALID_TARGET'
  }
  p += 4
  if ((src[p] | 0x20) === 0x73) p++
  if (p + 2 >= e || src[p] !== COLON || src[p + 1] !== SLASH || src[p + 2] !== SLASH) return 'INVALID_TARGET'
  p += 3
  const authority = p
  while (p < e && src[p] !== SLASH && src[p] !== QMARK) p++
  const authorityEnd = p
  if (!validHostPort(src, authority, authorityEnd, true, false)) return 'INVALID_TARGET'
  const q = scanPathQuery(src, authorityEnd, e)
  if (q < 0) return 'INVALID_TARGET'
  m.targetForm = 'absolute'
  m.targetHostStart = authority - s
  m.targetHostEnd = authorityEnd - s
  m.targetPathEnd = q - s
  m.targetQueryStart = q === e ? -1 : q - s + 1
  return null
}

/**
 * Sets `target`, `path`, `query` and the target's authority of `m` from the string of the target
 * {@link checkTarget} accepted.
 *
 * @example
 * ```ts
 * applyTarget(m, '/search?q=1') // m.path === '/search', m.query === 'q=1'
 * ```
 */
export function applyTarget(m: MessageState, target: string): void {
  m.target = target
  switch (m.targetForm) {
    case 'origin':
      if (m.targetQueryStart < 0) {
        m.path = target
        m.query = ''
      } else {
        m.path = target.slice(0, m.targetPathEnd)
        m.query = target.slice(m.targetQueryStart)
      }
      break
    case 'absolute':
      m.targetHost = target.slice(m.targetHostStart, m.targetHostEnd)
      m.path = m.targetPathEnd === m.targetHostEnd ? '/' : target.slice(m.targetHostEnd, m.targetPathEnd)
      m.query = m.targetQueryStart < 0 ? '' : target.slice(m.targetQueryStart)
      break
    case 'asterisk':
      m.path = '*'
      m.query = ''
      break
    default:
      m.targetHost = target
      m.path = ''
      m.query = ''
      break
  }
}
