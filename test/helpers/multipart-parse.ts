/** One part of a multipart/byteranges body. */
export interface BytesPart {
  /** Part header fields, lower-cased names. */
  headers: Record<string, string>
  data: Buffer
}

/**
 * Parses a multipart/byteranges body per RFC 9110 §14.6 / RFC 2046 and throws on anything unexpected.
 * `strict` (our own server's output): no preamble, and nothing but CRLF after the close delimiter.
 * Without it (any server, the acceptance suite): a preamble and an epilogue are allowed, as RFC 2046 does.
 */
export function parseByteranges(body: Buffer, boundary: string, options: { strict?: boolean } = {}): BytesPart[] {
  const strict = options.strict ?? true
  const text = body.toString('latin1')
  const parts: BytesPart[] = []
  const delimiter = `--${boundary}`
  // The first delimiter starts the body, or (with a preamble) a line.
  let pos = text.startsWith(delimiter) ? 0 : strict ? -1 : text.indexOf(`\r\n${delimiter}`) + 2
  if (pos < 0 || pos === 1) throw new Error('body does not start with the delimiter')
  for (;;) {
    pos += delimiter.length
    if (text.startsWith('--', pos)) {
      if (strict && (!text.startsWith('--\r\n', pos) || pos + 4 !== text.length)) throw new Error('bytes after the close delimiter')
      return parts
    }
    if (!text.startsWith('\r\n', pos)) throw new Error(`no CRLF after the delimiter at ${pos}`)
    const headEnd = text.indexOf('\r\n\r\n', pos)
    if (headEnd < 0) throw new Error('part head not terminated')
    const headers: Record<string, string> = {}
    for (const line of text.slice(pos + 2, headEnd).split('\r\n')) {
      const i = line.indexOf(':')
      headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim()
    }
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(headers['content-range'] ?? '')
    if (range === null) throw new Error(`part without a valid Content-Range: ${JSON.stringify(headers)}`)
    const length = Number(range[2]) - Number(range[1]) + 1
    const start = headEnd + 4
    const data = body.subarray(start, start + length)
    if (!text.startsWith(`\r\n${delimiter}`, start + length)) throw new Error('part length does not match its Content-Range')
    parts.push({ headers, data })
    pos = start + length + 2
  }
}
