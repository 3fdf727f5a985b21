import { Context, Request, RequestBody, Response, type RequestHead } from 'tinyhttp-core'

/** Builds a Context without a socket, for unit tests of one middleware. */
export function makeContext(method: string, path: string, headers: Record<string, string> = {}): Context {
  const rawHeaders = ['Host', 'x']
  for (const [name, value] of Object.entries(headers)) rawHeaders.push(name, value)
  const head: RequestHead = {
    method,
    target: path,
    path,
    query: '',
    targetForm: 'origin',
    versionMinor: 1,
    rawHeaders,
    host: 'x',
    contentLength: -1,
    chunked: false,
    keepAlive: true,
    expect: 'none',
  }
  return new Context(new Request(head, new RequestBody(0, null), '127.0.0.1', false), new Response())
}
