/** Parses a multipart/byteranges body per RFC 9110 §14.6 / RFC 2046 (strictly: throws on anything unexpected). */
export function parseByteranges(body: Buffer, boundary: string): Array<{ headers: Record<string, string>; data: Buffer }> {
  const text = body.toString('latin1')
  const parts: Array<{ headers: Record<string, string>; data: Buffer }> = []
  const delimiter = `--${boundary}`
  if (!text.startsWith(delimiter)) throw new Error('body does not start with the delimiter')
  let pos = 0
  for (;;) {
    pos += delimiter.length
    if (text.startsWith('--\r\n', pos)) {
      if (pos + 4 !== text.length) throw new Error('bytes after the close delimiter')
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
    if (range === null) throw new Error('part without a valid Content-Range')
    const length = Number(range[2]) - Number(range[1]) + 1
    const start = headEnd + 4
    const data = body.subarray(start, start + length)
    if (!text.startsWith(`\r\n${delimiter}`, start + length)) throw new Error('part length does not match its Content-Range')
    parts.push({ headers, data })
    pos = start + length + 2
  }
}
