import type { Socket } from 'node:net'

/**
 * Everything a socket receives until it closes: the whole answer of a server that ends the connection
 * after it (a TLS request with `Connection: close`, say). Rejects on a socket error, or after
 * `timeoutMs`, then destroying the socket so that nothing is left open.
 *
 * @param socket - a connected (or connecting) socket
 * @param timeoutMs - how long to wait for the close @defaultValue 5000
 * @returns the bytes received
 * @example
 * ```ts
 * const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => socket.write(raw))
 * const answer = await readToClose(socket)
 * ```
 */
export function readToClose(socket: Socket, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no close within ${timeoutMs} ms`))
    }, timeoutMs)
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('error', err => {
      clearTimeout(timer)
      reject(err)
    })
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks))
    })
  })
}
