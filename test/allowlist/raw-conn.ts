import { connect, type Socket } from 'node:net'

/** A keep-alive raw connection: one request at a time, responses framed by Content-Length. */
export class RawConn {
  readonly #socket: Socket
  #buf = Buffer.alloc(0)
  #wake: (() => void) | null = null
  #closed = false

  private constructor(socket: Socket) {
    this.#socket = socket
    socket.on('data', chunk => {
      this.#buf = Buffer.concat([this.#buf, chunk])
      this.#wake?.()
    })
    socket.on('close', () => {
      this.#closed = true
      this.#wake?.()
    })
    socket.on('error', () => {})
  }

  /** Connects to 127.0.0.1:port. */
  static open(port: number): Promise<RawConn> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => resolve(new RawConn(socket)))
      socket.once('error', reject)
    })
  }

  /** Writes a request and returns the bytes of one response (head + Content-Length body), 3 s at most. */
  async roundTrip(bytes: string): Promise<Buffer> {
    this.#socket.write(Buffer.from(bytes, 'latin1'))
    const deadline = Date.now() + 3000
    for (;;) {
      const end = this.#buf.indexOf('\r\n\r\n')
      if (end >= 0) {
        const head = this.#buf.subarray(0, end).toString('latin1')
        const m = /\r\ncontent-length: *(\d+)/i.exec(head)
        const total = end + 4 + (m ? Number(m[1]) : 0)
        if (this.#buf.length >= total) {
          const out = Buffer.from(this.#buf.subarray(0, total))
          this.#buf = this.#buf.subarray(total)
          return out
        }
      }
      if (this.#closed || Date.now() >= deadline) throw new Error('no complete response')
      await new Promise<void>(resolve => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()))
        this.#wake = () => {
          clearTimeout(t)
          resolve()
        }
      })
      this.#wake = null
    }
  }

  /** Closes the connection. */
  close(): void {
    this.#socket.destroy()
  }
}
