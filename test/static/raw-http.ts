/**
 * A minimal raw HTTP/1.1 client for the static tests: writes bytes exactly as given and parses what comes
 * back with Content-Length / chunked / close framing. No normalization of anything.
 */
import { connect, type Socket } from 'node:net'

export interface WireResponse {
  status: number
  statusLine: string
  /** Lower-cased name → every value, in order. */
  headers: Map<string, string[]>
  /** Header section exactly as received (without the final CRLF CRLF). */
  rawHead: string
  body: Buffer
}

export class WireClient {
  readonly socket: Socket
  #buf: Buffer = Buffer.alloc(0)
  #ended = false
  #waiters: Array<() => void> = []

  private constructor(socket: Socket) {
    this.socket = socket
    socket.on('data', chunk => {
      this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk])
      this.#wake()
    })
    const end = (): void => {
      this.#ended = true
      this.#wake()
    }
    socket.on('end', end)
    socket.on('close', end)
    socket.on('error', () => {})
  }

  static open(port: number): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => resolve(new WireClient(socket)))
      socket.once('error', reject)
    })
  }

  #wake(): void {
    const w = this.#waiters
    this.#waiters = []
    for (const f of w) f()
  }

  #wait(ms: number): Promise<void> {
    return new Promise(resolve => {
      const t = setTimeout(resolve, Math.max(1, ms))
      this.#waiters.push(() => {
        clearTimeout(t)
        resolve()
      })
    })
  }

  get ended(): boolean {
    return this.#ended
  }

  /** Bytes received and not consumed yet. */
  get pending(): Buffer {
    return this.#buf
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
  }

  /** Waits until at least `n` unread bytes are buffered (or the timeout / the end). */
  async waitForBytes(n: number, timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (this.#buf.length < n && !this.#ended && Date.now() < deadline) await this.#wait(deadline - Date.now())
    return this.#buf.length >= n
  }

  async #need(n: number, deadline: number): Promise<void> {
    while (this.#buf.length < n) {
      if (this.#ended || Date.now() >= deadline) throw new Error(`wanted ${n} bytes, have ${this.#buf.length}`)
      await this.#wait(deadline - Date.now())
    }
  }

  #take(n: number): Buffer {
    const out = Buffer.from(this.#buf.subarray(0, n))
    this.#buf = this.#buf.subarray(n)
    return out
  }

  async #line(deadline: number): Promise<string> {
    for (;;) {
      const i = this.#buf.indexOf('\r\n')
      if (i >= 0) {
        const line = this.#take(i).toString('latin1')
        this.#take(2)
        return line
      }
      if (this.#ended || Date.now() >= deadline) throw new Error('incomplete line')
      await this.#wait(deadline - Date.now())
    }
  }

  /** Reads one response; `head: true` when it answers a HEAD (no body whatever the headers say). */
  async read(options: { head?: boolean; timeoutMs?: number } = {}): Promise<WireResponse> {
    const deadline = Date.now() + (options.timeoutMs ?? 5000)
    let end: number
    for (;;) {
      end = this.#buf.indexOf('\r\n\r\n')
      if (end >= 0) break
      if (this.#ended || Date.now() >= deadline) throw new Error(`no response head; got ${JSON.stringify(this.#buf.toString('latin1'))}`)
      await this.#wait(deadline - Date.now())
    }
    const rawHead = this.#take(end).toString('latin1')
    this.#take(4)
    const lines = rawHead.split('\r\n')
    const statusLine = lines[0] as string
    const status = Number(statusLine.split(' ')[1])
    const headers = new Map<string, string[]>()
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':')
      const name = line.slice(0, i).toLowerCase()
      headers.set(name, [...(headers.get(name) ?? []), line.slice(i + 1).trim()])
    }
    let body: Buffer = Buffer.alloc(0)
    const noBody = options.head === true || status === 204 || status === 304 || status < 200
    if (!noBody) {
      const te = headers.get('transfer-encoding')?.[0]
      const cl = headers.get('content-length')?.[0]
      if (te !== undefined && te.toLowerCase().includes('chunked')) {
        const parts: Buffer[] = []
        for (;;) {
          const size = parseInt(await this.#line(deadline), 16)
          if (size === 0) {
            while ((await this.#line(deadline)) !== '') {
              /* trailers */
            }
            break
          }
          await this.#need(size + 2, deadline)
          parts.push(this.#take(size))
          this.#take(2)
        }
        body = Buffer.concat(parts)
      } else if (cl !== undefined) {
        const n = Number(cl)
        await this.#need(n, deadline)
        body = this.#take(n)
      } else {
        while (!this.#ended && Date.now() < deadline) await this.#wait(deadline - Date.now())
        body = this.#take(this.#buf.length)
      }
    }
    return { status, statusLine, headers, rawHead, body }
  }

  close(): void {
    this.socket.destroy()
  }
}

/** One header value (the only line), or undefined. */
export function header(res: WireResponse, name: string): string | undefined {
  const values = res.headers.get(name.toLowerCase())
  return values === undefined ? undefined : values.join(', ')
}

/** Builds a request: `METHOD /path HTTP/1.1`, `Host: localhost` unless given, and the given lines. */
export function request(method: string, path: string, headers: Record<string, string> = {}): string {
  const hasHost = Object.keys(headers).some(name => name.toLowerCase() === 'host')
  let text = `${method} ${path} HTTP/1.1\r\n${hasHost ? '' : 'Host: localhost\r\n'}`
  for (const [name, value] of Object.entries(headers)) text += `${name}: ${value}\r\n`
  return text + '\r\n'
}

/** Opens a connection, sends one request, reads one response, closes. */
export async function send(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<WireResponse> {
  const client = await WireClient.open(port)
  try {
    client.write(request(method, path, headers))
    return await client.read({ head: method === 'HEAD' })
  } finally {
    client.close()
  }
}
