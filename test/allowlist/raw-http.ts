import { connect, type Socket } from 'node:net'
import { parseHead } from '../helpers/raw-client.js'

/** One response as it came off the wire. */
export interface WireResponse {
  /** Everything received, exactly. */
  raw: Buffer
  status: number
  /** Head (status line + fields), latin1, without the final CRLF CRLF. */
  head: string
  /** Lower-cased field name → values. */
  headers: Map<string, string[]>
  /** Bytes after the head. */
  body: Buffer
}

const open = new Set<Socket>()

/**
 * Sends `bytes` exactly as given (a string is sent as latin1) on a fresh connection to 127.0.0.1:port,
 * reads until the server closes the connection (or `timeoutMs`), and returns all bytes received.
 * The request should say `Connection: close` so that the server ends the exchange.
 */
export function exchange(port: number, bytes: string | Buffer, timeoutMs = 3000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const socket = connect({ port, host: '127.0.0.1' })
    open.add(socket)
    const timer = setTimeout(() => socket.destroy(), timeoutMs)
    socket.on('connect', () => socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes))
    socket.on('data', chunk => chunks.push(chunk))
    socket.on('error', err => {
      if (chunks.length === 0) reject(err)
    })
    socket.on('close', () => {
      clearTimeout(timer)
      open.delete(socket)
      resolve(Buffer.concat(chunks))
    })
  })
}

/** Splits one response into status, head, fields and body. */
export function parse(raw: Buffer): WireResponse {
  const end = raw.indexOf('\r\n\r\n')
  if (end < 0) throw new Error(`no complete response head in ${JSON.stringify(raw.toString('latin1'))}`)
  const head = raw.subarray(0, end).toString('latin1')
  const { status, headers } = parseHead(head)
  return { raw, status, head, headers, body: raw.subarray(end + 4) }
}

/** `GET <target>` with Host and `Connection: close`, plus extra header lines. */
export function get(target: string, extra: string[] = [], method = 'GET'): string {
  return [`${method} ${target} HTTP/1.1`, 'Host: localhost', ...extra, 'Connection: close', '', ''].join('\r\n')
}

/** Sends a request and parses the answer. */
export async function request(port: number, bytes: string | Buffer): Promise<WireResponse> {
  return parse(await exchange(port, bytes))
}

/** Removes the `Date:` line (the only field allowed to differ between two otherwise identical answers). */
export function withoutDate(raw: Buffer): string {
  return raw.toString('latin1').replace(/\r\nDate: [^\r\n]*/i, '')
}

/** Destroys every socket still open (for afterEach). */
export function destroyAll(): void {
  for (const s of open) s.destroy()
  open.clear()
}
