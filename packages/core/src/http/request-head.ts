/**
 * The parsed head (request-line and header section) of one HTTP/1.x request,
 * handed to `ParserHandler.onHead` once the header section is complete and
 * valid.
 */
export interface RequestHead {
  /**
   * The method token, case-sensitive, as sent. The common methods (GET, HEAD,
   * POST, PUT, DELETE, OPTIONS, PATCH, CONNECT, TRACE) are interned constants.
   */
  method: string
  /** The raw request-target as sent. */
  target: string
  /**
   * The path: for origin-form the target before `?`; for absolute-form the
   * path of the URI (`/` when empty); `*` for asterisk-form; `''` for
   * authority-form. Percent-encoding is not decoded.
   */
  path: string
  /** The raw query without `?`; `''` when there is none. */
  query: string
  /** The form of the request-target (RFC 9112 §3.2). */
  targetForm: 'origin' | 'absolute' | 'authority' | 'asterisk'
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  versionMinor: 0 | 1
  /**
   * Header fields as flat pairs `[name, value, name, value, ...]` in the order
   * received; names as sent, values decoded as latin1 and trimmed of leading
   * and trailing SP/HTAB only.
   */
  rawHeaders: string[]
  /**
   * The authority of the request: the target's authority for absolute-form and
   * authority-form, otherwise the Host field value (`''` when absent, which is
   * only allowed in HTTP/1.0).
   */
  host: string
  /** The Content-Length value; -1 when the message has no Content-Length. */
  contentLength: number
  /** True when the body uses the chunked transfer coding. */
  chunked: boolean
  /**
   * Whether the connection persists after this message (RFC 9112 §9.3):
   * HTTP/1.1 unless Connection has `close`; HTTP/1.0 only with `keep-alive`
   * and no `close`.
   */
  keepAlive: boolean
  /**
   * `continue` for `Expect: 100-continue` (case-insensitive), `unknown` for any
   * other Expect value, `none` without Expect or on HTTP/1.0.
   */
  expect: 'none' | 'continue' | 'unknown'
}
