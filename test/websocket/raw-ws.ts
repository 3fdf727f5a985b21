import { connect, type Socket } from 'node:net'
import { encodeFrame } from 'tinyhttp-websocket'

/** A frame as the server sent it, decoded here by hand (not by the package's parser). */
export interface ServerFrame {
  fin: boolean
  rsv: number
  opcode: number
  masked: boolean
  payload: Buffer
}

/** A raw WebSocket client on node:net: writes exactly the bytes given, decodes the server's frames itself. */
export class RawWs {
  readonly socket: Socket
  #buf = Buffer.alloc(0)
  #ended = false
  #waiters: Array<() => void> = []
  status = 0
  head = ''

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
      this.#ended = true
      this.#wake()
    })
    socket.on('error', () => {})
  }

  /** Connects (to 127.0.0.1:port, or a Unix socket path) and sends `request` (a whole handshake) and reads the response head. */
  static async open(port: number | string, request: string): Promise<RawWs> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = typeof port === 'string' ? connect({ path: port }, () => resolve(s)) : connect({ port, host: '127.0.0.1' }, () => resolve(s))
      s.once('error', reject)
    })
    const ws = new RawWs(socket)
    socket.write(request, 'latin1')
    const deadline = Date.now() + 5000
    let end = -1
    while ((end = ws.#buf.indexOf('\r\n\r\n')) < 0 && !ws.#ended && Date.now() < deadline) await ws.#wait(deadline - Date.now())
    if (end < 0) throw new Error('no response head')
    ws.head = ws.#buf.subarray(0, end).toString('latin1')
    ws.status = Number(ws.head.split(' ')[1])
    ws.#buf = ws.#buf.subarray(end + 4)
    return ws
  }

  /** Connects and completes a valid handshake for `path`; throws unless the answer is 101. */
  static async upgrade(port: number | string, path = '/echo', extra = ''): Promise<RawWs> {
    const ws = await RawWs.open(port, handshake(path, extra))
    if (ws.status !== 101) throw new Error(`handshake refused: ${ws.head}`)
    return ws
  }

  /** Whether the server closed its side. */
  get ended(): boolean {
    return this.#ended
  }

  /** Sends raw bytes. */
  write(bytes: Uint8Array): void {
    this.socket.write(bytes)
  }

  /** Sends a masked frame. */
  send(opcode: number, payload: Uint8Array | string, options: { fin?: boolean; rsv1?: boolean } = {}): void {
    this.write(encodeFrame(opcode, typeof payload === 'string' ? Buffer.from(payload) : payload, { ...options, mask: true }))
  }

  /** The next whole frame from the server, or null when the server ended before sending one (or after `timeoutMs`). */
  async frame(timeoutMs = 5000): Promise<ServerFrame | null> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const frame = this.#decode()
      if (frame !== null) return frame
      if (this.#ended || Date.now() >= deadline) return null
      await this.#wait(deadline - Date.now())
    }
  }

  /** The next close frame's code and reason (skipping other frames), or null. */
  async closeFrame(timeoutMs = 5000): Promise<{ code: number; reason: string } | null> {
    for (;;) {
      const frame = await this.frame(timeoutMs)
      if (frame === null) return null
      if (frame.opcode !== 0x8) continue
      return { code: frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005, reason: frame.payload.subarray(2).toString() }
    }
  }

  /** Waits until the server closed the connection; returns whether it did. */
  async waitForEnd(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (!this.#ended && Date.now() < deadline) await this.#wait(deadline - Date.now())
    return this.#ended
  }

  close(): void {
    this.socket.destroy()
  }

  #decode(): ServerFrame | null {
    const b = this.#buf
    if (b.length < 2) return null
    const masked = (b[1]! & 0x80) !== 0
    let length = b[1]! & 0x7f
    let at = 2
    if (length === 126) {
      if (b.length < 4) return null
      length = b.readUInt16BE(2)
      at = 4
    } else if (length === 127) {
      if (b.length < 10) return null
      length = Number(b.readBigUInt64BE(2))
      at = 10
    }
    if (masked) at += 4
    if (b.length < at + length) return null
    const frame = { fin: (b[0]! & 0x80) !== 0, rsv: (b[0]! >> 4) & 0x7, opcode: b[0]! & 0x0f, masked, payload: Buffer.from(b.subarray(at, at + length)) }
    this.#buf = b.subarray(at + length)
    return frame
  }

  #wake(): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const w of waiters) w()
  }

  #wait(ms: number): Promise<void> {
    return new Promise(resolve => {
      const timer = setTimeout(resolve, Math.max(1, ms))
      this.#waiters.push(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  }
}

/** A valid opening handshake (RFC 6455 §1.3's sample key) with extra header lines. */
export function handshake(path = '/echo', extra = ''): string {
  return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`
}
