import { readdirSync } from 'node:fs'
import { connect, type Socket } from 'node:net'

/** What one raw connection saw. */
export interface WireResult {
  /** Every byte the server wrote. */
  received: Buffer
  /** Whether the server closed (end or reset) before the time limit. */
  closed: boolean
  /** The client socket's own address and port. */
  local: { address: string; port: number }
}

export interface WireOptions {
  /** Half-close after writing. */
  end?: boolean
  /** Give up (and report closed: false) after this many ms. */
  timeoutMs?: number
  /** Write the chunks one by one with this many ms between them. */
  gapMs?: number
}

/** Connects to 127.0.0.1:port, writes the chunks, and collects what comes back until the server closes. */
export function wire(port: number, chunks: Array<Buffer | string>, options: WireOptions = {}): Promise<WireResult> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1')
    const received: Buffer[] = []
    let local = { address: '', port: 0 }
    let settled = false
    const done = (closed: boolean): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ received: Buffer.concat(received), closed, local })
    }
    const timer = setTimeout(() => done(false), options.timeoutMs ?? 3000)
    socket.on('data', chunk => received.push(chunk))
    socket.on('close', () => done(true))
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') done(true)
      else if (!settled) {
        settled = true
        clearTimeout(timer)
        reject(err)
      }
    })
    socket.on('connect', async () => {
      local = { address: socket.localAddress as string, port: socket.localPort as number }
      for (const chunk of chunks) {
        if (socket.destroyed) return
        socket.write(chunk)
        if (options.gapMs !== undefined) await new Promise(r => setTimeout(r, options.gapMs))
      }
      if (options.end === true && !socket.destroyed) socket.end()
    })
  })
}

/** A GET that asks the server to close after answering. */
export const GET = 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'

/** The body of an HTTP/1.1 response (Content-Length framed), or '' */
export function bodyOf(received: Buffer): string {
  const text = received.toString('latin1')
  const at = text.indexOf('\r\n\r\n')
  return at < 0 ? '' : text.slice(at + 4)
}

/** Open file descriptors of this process (Linux). */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length
}
