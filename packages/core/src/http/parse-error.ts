/**
 * Error codes reported by the HTTP/1.1 request parser.
 *
 * Every code maps to the response status a server should send before closing
 * the connection, see {@link PARSE_ERROR_STATUS}.
 *
 * - `INVALID_METHOD` — the method is not a token (RFC 9110 §9.1).
 * - `INVALID_TARGET` — the request-target is malformed, uses a byte outside
 *   RFC 3986, or its form does not fit the method (RFC 9112 §3.2).
 * - `INVALID_VERSION` — the HTTP-version is not `HTTP/` DIGIT `.` DIGIT.
 * - `UNSUPPORTED_VERSION` — a well-formed version other than 1.0 and 1.1.
 * - `INVALID_REQUEST_LINE` — wrong whitespace or missing parts in the request-line.
 * - `REQUEST_LINE_TOO_LONG` — more than `maxRequestLineSize` bytes.
 * - `INVALID_HEADER_TOKEN` — a field name that is empty or not a token.
 * - `INVALID_HEADER_VALUE` — a field value with NUL, another CTL or DEL.
 * - `OBS_FOLD` — a field line starting with SP/HTAB (RFC 9112 §5.2).
 * - `INVALID_LINE_ENDING` — a bare CR or bare LF (RFC 9112 §2.2).
 * - `MISSING_HOST`, `DUPLICATE_HOST`, `INVALID_HOST` — RFC 9112 §3.2.
 * - `INVALID_CONTENT_LENGTH` — RFC 9110 §8.6, RFC 9112 §6.3.
 * - `CL_TE_CONFLICT` — both Content-Length and Transfer-Encoding (RFC 9112 §6.1).
 * - `INVALID_TRANSFER_ENCODING` — chunked is not the final coding, appears
 *   twice, a list element is not a token, or the request is HTTP/1.0.
 * - `UNSUPPORTED_TRANSFER_ENCODING` — a coding other than chunked (RFC 9112 §6.1).
 * - `INVALID_CHUNK_SIZE`, `INVALID_CHUNK_EXTENSION`, `CHUNK_EXTENSION_TOO_LARGE`,
 *   `INVALID_CHUNK_DATA_END` — chunked framing (RFC 9112 §7.1).
 * - `INVALID_TRAILER` — a malformed trailer field (RFC 9112 §7.1.2).
 * - `HEADERS_TOO_LARGE`, `TOO_MANY_HEADERS`, `TRAILERS_TOO_LARGE` — limits.
 * - `INCOMPLETE_MESSAGE` — the input ended inside a message.
 */
export type ParseErrorCode =
  | 'INVALID_METHOD'
  | 'INVALID_TARGET'
  | 'INVALID_VERSION'
  | 'UNSUPPORTED_VERSION'
  | 'INVALID_REQUEST_LINE'
  | 'REQUEST_LINE_TOO_LONG'
  | 'INVALID_HEADER_TOKEN'
  | 'INVALID_HEADER_VALUE'
  | 'OBS_FOLD'
  | 'INVALID_LINE_ENDING'
  | 'MISSING_HOST'
  | 'DUPLICATE_HOST'
  | 'INVALID_HOST'
  | 'INVALID_CONTENT_LENGTH'
  | 'CL_TE_CONFLICT'
  | 'INVALID_TRANSFER_ENCODING'
  | 'UNSUPPORTED_TRANSFER_ENCODING'
  | 'INVALID_CHUNK_SIZE'
  | 'INVALID_CHUNK_EXTENSION'
  | 'CHUNK_EXTENSION_TOO_LARGE'
  | 'INVALID_CHUNK_DATA_END'
  | 'INVALID_TRAILER'
  | 'HEADERS_TOO_LARGE'
  | 'TOO_MANY_HEADERS'
  | 'TRAILERS_TOO_LARGE'
  | 'INCOMPLETE_MESSAGE'

/**
 * The HTTP status code to answer each {@link ParseErrorCode} with.
 *
 * 414 for an over-long request-line, 431 for oversized or too many header or
 * trailer fields, 501 for an unknown transfer coding, 505 for an unsupported
 * HTTP version and 400 for everything else.
 *
 * @example
 * ```ts
 * const status = PARSE_ERROR_STATUS[parser.error ?? 'INCOMPLETE_MESSAGE'] // 400
 * ```
 */
export const PARSE_ERROR_STATUS: Readonly<Record<ParseErrorCode, number>> = Object.freeze({
  INVALID_METHOD: 400,
  INVALID_TARGET: 400,
  INVALID_VERSION: 400,
  UNSUPPORTED_VERSION: 505,
  INVALID_REQUEST_LINE: 400,
  REQUEST_LINE_TOO_LONG: 414,
  INVALID_HEADER_TOKEN: 400,
  INVALID_HEADER_VALUE: 400,
  OBS_FOLD: 400,
  INVALID_LINE_ENDING: 400,
  MISSING_HOST: 400,
  DUPLICATE_HOST: 400,
  INVALID_HOST: 400,
  INVALID_CONTENT_LENGTH: 400,
  CL_TE_CONFLICT: 400,
  INVALID_TRANSFER_ENCODING: 400,
  UNSUPPORTED_TRANSFER_ENCODING: 501,
  INVALID_CHUNK_SIZE: 400,
  INVALID_CHUNK_EXTENSION: 400,
  CHUNK_EXTENSION_TOO_LARGE: 400,
  INVALID_CHUNK_DATA_END: 400,
  INVALID_TRAILER: 400,
  HEADERS_TOO_LARGE: 431,
  TOO_MANY_HEADERS: 431,
  TRAILERS_TOO_LARGE: 431,
  INCOMPLETE_MESSAGE: 400,
})
