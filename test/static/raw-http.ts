/**
 * Request helpers for the static tests, on the shared raw client (bytes exactly as given, responses
 * framed by Content-Length / chunked / close, nothing normalized).
 */
import { rawRequest, type RawResponse } from '../helpers/raw-client.js'

export { RawClient } from '../helpers/raw-client.js'
export type WireResponse = RawResponse

/** One header value (several lines joined with `, `), or undefined. */
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
export function send(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<WireResponse> {
  return rawRequest(port, request(method, path, headers), { head: method === 'HEAD' })
}
