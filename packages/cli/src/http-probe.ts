/**
 * A one-request HTTP client on `node:net` (and `node:tls` for an https URL), for `tinyhttp-cli
 * healthcheck`: `GET`, `Connection: close`, the answer read by tinyhttp-core's `ResponseReader`.
 *
 * @module
 */
import { connect as connectTcp, type Socket } from 'node:net'
import { ResponseReader } from 'tinyhttp-core'

/** What a probe got. */
export interface ProbeAnswer {
  /** The status code. */
  status: number
  /** The body as text (at most {@link MAX_PROBE_BYTES} read). */
  body: string
}

/** Why a probe failed, in one line: `cannot connect to 127.0.0.1:9464: ECONNREFUSED`, `timed out …`. */
export class ProbeError extends Error {
  /** @param message - the one line */
  constructor(message: string) {
    super(message)
    this.name = 'ProbeError'
  }
}

/** Most bytes of an answer read before giving up (a readiness answer is a line). */
export const MAX_PROBE_BYTES = 64 * 1024

/** `host:port` for messages, IPv6 in brackets. */
function where(url: URL): string {
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80'
  return `${url.hostname}:${port}`
}

/**
 * Sends `GET <path>` to a URL and reads the answer.
 *
 * @param target - an `http:` or `https:` URL (https verifies the certificate as Node does by default)
 * @param timeoutMs - the whole exchange, connect included
 * @returns the status and body
 * @throws ProbeError when it cannot connect, times out, the answer is malformed, or the scheme is not http(s)
 * @example
 * ```ts
 * const { status, body } = await probe(new URL('http://127.0.0.1:9464/readyz'), 2000)
 * ```
 */
export async function probe(target: URL, timeoutMs: number): Promise<ProbeAnswer> {
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new ProbeError(`cannot probe ${target.protocol} URLs: use http:// or https://`)
  const host = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname
  const port = Number(target.port !== '' ? target.port : target.protocol === 'https:' ? 443 : 80)
  const socket: Socket =
    target.protocol === 'https:'
      ? (await import('node:tls')).connect({ host, port, servername: /^[\d.]+$|:/.test(host) ? undefined : host, ALPNProtocols: ['http/1.1'] })
      : connectTcp({ host, port })
  return new Promise<ProbeAnswer>((resolve, reject) => {
    const reader = new ResponseReader({ methods: ['GET'] })
    let received = 0
    let connected = false
    let settled = false
    const finish = (error: ProbeError | null, answer?: ProbeAnswer): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.removeAllListeners('data')
      socket.destroy()
      if (error !== null) reject(error)
      else resolve(answer as ProbeAnswer)
    }
    const timer = setTimeout(
      () => finish(new ProbeError(`${connected ? 'no answer from' : 'cannot connect to'} ${where(target)} within ${timeoutMs / 1000} s`)),
      timeoutMs,
    )
    const check = (): void => {
      const first = reader.responses[0]
      if (first !== undefined) return finish(null, { status: first.status, body: first.body.toString('utf8') })
      if (reader.error !== null) finish(new ProbeError(`malformed answer from ${where(target)}: ${reader.error.code}`))
    }
    socket.once(target.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
      connected = true
      const path = `${target.pathname}${target.search}`
      const hostField = target.port !== '' ? `${target.hostname}:${target.port}` : target.hostname
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostField}\r\nUser-Agent: tinyhttp-cli-healthcheck\r\nAccept: text/plain\r\nConnection: close\r\n\r\n`)
    })
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length
      if (received > MAX_PROBE_BYTES) return finish(new ProbeError(`answer from ${where(target)} larger than ${MAX_PROBE_BYTES} bytes`))
      reader.push(chunk)
      check()
    })
    socket.once('end', () => {
      reader.end()
      check()
      finish(new ProbeError(`${where(target)} closed the connection without an answer`))
    })
    socket.once('error', (err: NodeJS.ErrnoException) => {
      finish(new ProbeError(connected ? `connection to ${where(target)} failed: ${err.code ?? err.message}` : `cannot connect to ${where(target)}: ${err.code ?? err.message}`))
    })
  })
}
