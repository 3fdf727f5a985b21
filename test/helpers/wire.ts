import { rawRequest, type RawResponse } from './raw-client.js'

/** A response read off the wire, with a header getter. */
export interface WireResponse extends RawResponse {
  /** All field lines of a header joined with ', ' (undefined when absent). */
  header(name: string): string | undefined
  /** Number of field lines of a header. */
  count(name: string): number
}

/**
 * Sends one request on a fresh connection (`Connection: close`) and reads the response.
 *
 * @param port - the server port
 * @param method - request method
 * @param path - request-target, sent as is
 * @param headers - extra header lines, e.g. `{ Origin: 'https://a.example' }`
 */
export async function send(port: number, method: string, path: string, headers: Record<string, string | string[]> = {}): Promise<WireResponse> {
  let head = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value]) head += `${name}: ${v}\r\n`
  }
  head += 'Connection: close\r\n\r\n'
  const r = await rawRequest(port, head, { head: method === 'HEAD' })
  return Object.assign(r, {
    header: (name: string) => r.headers.get(name.toLowerCase())?.join(', '),
    count: (name: string) => r.headers.get(name.toLowerCase())?.length ?? 0,
  })
}
