/**
 * Size limits enforced by the request parser while bytes arrive.
 *
 * Every limit is checked byte by byte: a section that grows past its limit
 * fails as soon as the first byte beyond the limit is seen, before its line
 * ends and without buffering it first.
 */
export interface ParserLimits {
  /**
   * Maximum bytes of the request-line, including its CRLF and any empty
   * lines (CRLF) ignored before it. Exceeding it fails with
   * `REQUEST_LINE_TOO_LONG` (414).
   */
  maxRequestLineSize: number
  /**
   * Maximum bytes of the header section after the request-line: every field
   * line with its CRLF plus the final empty line. Exceeding it fails with
   * `HEADERS_TOO_LARGE` (431).
   */
  maxHeaderSize: number
  /**
   * Maximum number of header fields (and, separately, of trailer fields).
   * Exceeding it fails with `TOO_MANY_HEADERS` (431).
   */
  maxHeaderCount: number
  /**
   * Maximum bytes of the chunk extensions of one chunk-size line: the bytes
   * after the chunk-size digits, excluding the CRLF. Exceeding it fails with
   * `CHUNK_EXTENSION_TOO_LARGE` (400).
   */
  maxChunkExtensionSize: number
  /**
   * Maximum bytes of the trailer section after the last-chunk line: every
   * trailer field line with its CRLF plus the final empty line. Exceeding it
   * fails with `TRAILERS_TOO_LARGE` (431).
   */
  maxTrailerSize: number
}

/**
 * The default parser limits: 8 KiB request-line, 16 KiB header section,
 * 100 fields, 1 KiB of chunk extensions per chunk, 16 KiB trailer section.
 *
 * @example
 * ```ts
 * const parser = new RequestParser(handler, { ...DEFAULT_PARSER_LIMITS, maxHeaderCount: 50 })
 * ```
 */
export const DEFAULT_PARSER_LIMITS: Readonly<ParserLimits> = Object.freeze({
  maxRequestLineSize: 8192,
  maxHeaderSize: 16384,
  maxHeaderCount: 100,
  maxChunkExtensionSize: 1024,
  maxTrailerSize: 16384,
})
