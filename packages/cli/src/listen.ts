/**
 * Listening as the CLI is configured (HTTP or HTTPS), with a clear error for a port in use, and the URLs
 * to print once it listens.
 *
 * @module
 */
import type { AddressInfo } from 'node:net'
import { networkInterfaces } from 'node:os'
import type { BuiltApp } from './build-app.js'
import type { CliConfig } from './config.js'
import { oneLine, runtimeError } from './errors.js'

/**
 * Listens as configured: plain HTTP through `app.listen`, or HTTPS through a `tls.Server` attached to
 * the app; with `--proxy-protocol` each connection's PROXY header is read first (before TLS).
 *
 * @param built - the app
 * @param config - port, host and TLS material
 * @returns the bound address
 * @throws CliError (exit code 1) for a port in use, a permission problem or an unknown address
 */
export async function listen(built: BuiltApp, config: CliConfig): Promise<AddressInfo> {
  try {
    const listenOptions = config.proxyProtocol === undefined ? {} : { proxyProtocol: { trusted: config.proxyProtocol } }
    if (config.tls === undefined) return await built.app.listen(config.port, config.host, listenOptions)
    // node:tls is loaded only for HTTPS (it adds a few MB of resident memory).
    const { createServer: createTlsServer } = await import('node:tls')
    const server = createTlsServer({ cert: config.tls.cert, key: config.tls.key, allowHalfOpen: true, noDelay: true })
    built.app.attach(server, listenOptions)
    return await new Promise<AddressInfo>((resolve, reject) => {
      server.once('error', reject)
      server.listen(config.port, config.host, () => {
        server.off('error', reject)
        resolve(server.address() as AddressInfo)
      })
    })
  } catch (err) {
    throw listenError(err, config)
  }
}

function listenError(err: unknown, config: CliConfig): Error {
  const code = (err as NodeJS.ErrnoException).code
  const where = `${formatHost(config.host)}:${config.port}`
  switch (code) {
    case 'EADDRINUSE':
      return runtimeError(`port ${config.port} is already in use on ${config.host} (try --port 0 for a free one)`)
    case 'EACCES':
      return runtimeError(`permission denied to listen on ${where} (ports below 1024 need privileges)`)
    case 'EADDRNOTAVAIL':
      return runtimeError(`address ${config.host} is not available on this machine`)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return runtimeError(`cannot resolve host ${config.host}`)
    default:
      return runtimeError(`cannot listen on ${where}: ${oneLine(err)}`)
  }
}

/** Brackets an IPv6 literal for use in a URL. */
function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}

/**
 * Whether a bind address is only reachable from this machine.
 *
 * @param host - the `--host` value
 * @returns true for `localhost`, `127.0.0.0/8`, `::1` and their IPv4-mapped forms
 */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase()
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\./.test(h)
}

/** The URLs to print at start-up. */
export interface ServerUrls {
  /** The URL to use on this machine. */
  local: string
  /** URLs other machines can use; empty unless the server is exposed. */
  network: string[]
}

/**
 * Computes the `Local:` URL and, when exposed (wildcard or non-loopback host), the `Network:` URLs
 * (the machine's IPv4 addresses for a wildcard bind). No network access: only `os.networkInterfaces`.
 *
 * @param host - the bind address
 * @param port - the bound port
 * @param secure - HTTPS
 * @returns the URLs
 * @example
 * ```ts
 * serverUrls('127.0.0.1', 7878, false) // { local: 'http://127.0.0.1:7878', network: [] }
 * ```
 */
export function serverUrls(host: string, port: number, secure: boolean): ServerUrls {
  const scheme = secure ? 'https' : 'http'
  const url = (h: string): string => `${scheme}://${formatHost(h)}:${port}`
  const wildcard = host === '0.0.0.0' || host === '::' || host === '0:0:0:0:0:0:0:0'
  if (wildcard) {
    const network: string[] = []
    for (const list of Object.values(networkInterfaces())) {
      for (const info of list ?? []) {
        if (info.family === 'IPv4' && !info.internal) network.push(url(info.address))
      }
    }
    return { local: url(host === '0.0.0.0' ? '127.0.0.1' : '::1'), network }
  }
  if (isLoopback(host)) return { local: url(host), network: [] }
  return { local: url(host), network: [url(host)] }
}
