import { connect, type Socket } from 'node:net'

/** A parsed HTTP/1.1 response read off a raw socket. */
export interface RawResponse {
  status: number
  statusLine: string
  /** Lower-cased name → values in order. */
  headers: Map<string, string[]>
  /** Header block exactly as received (without the final CRLF CRLF). */
  rawHead: string
  body: Buffer
}

/**
 * Splits a response head (without the final CRLF CRLF) into its status, status line and fields
 * (lower-cased name → values in order).
 */
export function parseHead(rawHead: string): { status: number; statusLine: string; headers: Map<string, string[]> } {
  const lines = rawHead.split('\r\n')
  const statusLine = lines[0] as string
  const headers = new Map<string, string[]>()
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':')
    const name = line.slice(0, i).toLowerCase()
    headers.set(name, [...(headers.get(name) ?? []), line.slice(i + 1).trim()])
  }
  return { status: Number(statusLine.split(' ')[1]), statusLine, headers }
}

/** A raw TCP client: writes bytes exactly as given and reads whatever comes back. */
export class RawClient {
  readonly socket: Socket
  #buf: Buffer = Buffer.alloc(0)
  #ended = false
  #closed = false
  #waiters: Array<() => void> = []

  private constructor(socket: Socket) {
    this.socket = socket
    socket.on('data', chunk => {
      this.#buf = Buffer.concat([this.#buf, chunk])
      this.#wake()
    })
    socket.on('end', () => {
      this.#ended = true
      this.#wake()
    })
    socket.on('close', () => {
      this.#closed = true
      this.#ended = true
      this.#wake()
    })
    socket.on('error', () => {})
  }

  /** Opens a connection to 127.0.0.1:port. */
  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => resolve(new RawClient(socket)))
      socket.once('error', reject)
    })
  }

  #wake(): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const w of waiters) w()
  }

  #wait(timeoutMs: number): Promise<boolean> {
    return new Promise(resolve => {
      const timer = setTimeout(() => resolve(false), timeoutMs)
      this.#waiters.push(() => {
        clearTimeout(timer)
        resolve(true)
      })
    })
  }

  /** Whether the server closed its side. */
  get ended(): boolean {
    return this.#ended
  }

  /** Whether the socket is fully closed. */
  get closed(): boolean {
    return this.#closed
  }

  /** Bytes received and not yet consumed. */
  get pending(): Buffer {
    return this.#buf
  }

  /** Writes bytes (a string is sent as latin1). */
  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
  }

  /** Waits until at least `n` unread bytes are buffered (or the timeout, or the end); returns whether they are. */
  async waitForBytes(n: number, timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (this.#buf.length < n && !this.#ended && Date.now() < deadline) await this.#wait(deadline - Date.now())
    return this.#buf.length >= n
  }

  /** Reads until the server closes (or the timeout), returning everything not consumed yet. */
  async readAll(timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs
    while (!this.#ended && Date.now() < deadline) await this.#wait(deadline - Date.now())
    const out = this.#buf
    this.#buf = Buffer.alloc(0)
    return out
  }

  /** Waits until the server closed the connection; returns whether it did within the timeout. */
  async waitForEnd(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (!this.#ended && Date.now() < deadline) await this.#wait(deadline - Date.now())
    return this.#ended
  }

  /**
   * Reads one response. `head: true` means the request was HEAD (no body whatever the headers say).
   */
  async readResponse(options: { head?: boolean; timeoutMs?: number } = {}): Promise<RawResponse> {
    const deadline = Date.now() + (options.timeoutMs ?? 5000)
    let end = -1
    for (;;) {
      end = this.#buf.indexOf('\r\n\r\n')
      if (end !== -1) break
      if (this.#ended || Date.now() >= deadline) throw new Error(`no complete response head; got ${JSON.stringify(this.#buf.toString('latin1'))}`)
      await this.#wait(deadline - Date.now())
    }
    const rawHead = this.#buf.subarray(0, end).toString('latin1')
    const { status, statusLine, headers } = parseHead(rawHead)
    this.#buf = this.#buf.subarray(end + 4)
    const noBody = options.head === true || status === 204 || status === 304 || (status >= 100 && status < 200)
    let body: Buffer = Buffer.alloc(0)
    if (!noBody) {
      const cl = headers.get('content-length')?.[0]
      const te = headers.get('transfer-encoding')?.[0]
      if (te !== undefined && /chunked/i.test(te)) body = await this.#readChunked(deadline)
      else if (cl !== undefined) body = await this.#readExactly(Number(cl), deadline)
      else {
        await this.readAll(Math.max(0, deadline - Date.now()))
        body = this.#buf
        this.#buf = Buffer.alloc(0)
      }
    }
    return { status, statusLine, headers, rawHead, body }
  }

  async #readExactly(n: number, deadline: number): Promise<Buffer> {
    while (this.#buf.length < n) {
      if (this.#ended || Date.now() >= deadline) throw new Error(`body too short: wanted ${n}, have ${this.#buf.length}`)
      await this.#wait(deadline - Date.now())
    }
    const out = this.#buf.subarray(0, n)
    this.#buf = this.#buf.subarray(n)
    return Buffer.from(out)
  }

  async #readLine(deadline: number): Promise<string> {
    for (;;) {
      const i = this.#buf.indexOf('\r\n')
      if (i !== -1) {
        const line = this.#buf.subarray(0, i).toString('latin1')
        this.#buf = this.#buf.subarray(i + 2)
        return line
      }
      if (this.#ended || Date.now() >= deadline) throw new Error('incomplete chunked body')
      await this.#wait(deadline - Date.now())
    }
  }

  async #readChunked(deadline: number): Promise<Buffer> {
    const parts: Buffer[] = []
    for (;;) {
      const size = parseInt(await this.#readLine(deadline), 16)
      if (size === 0) {
        while ((await this.#readLine(deadline)) !== '') {
          // trailers
        }
        return Buffer.concat(parts)
      }
      parts.push(await this.#readExactly(size, deadline))
      await this.#readLine(deadline)
    }
  }

  /** Closes the connection. */
  close(): void {
    this.socket.destroy()
  }
}

/** Sends raw bytes on a new connection and returns the first response. */
export async function rawRequest(port: number, data: string | Buffer, options: { head?: boolean; timeoutMs?: number } = {}): Promise<RawResponse> {
  const client = await RawClient.connect(port)
  try {
    client.write(data)
    return await client.readResponse(options)
  } finally {
    client.close()
  }
}
