// metrics(): each request over the wire through the real allowlist, static and fallback lands in
// exactly the series its answer says (method, status class, refusal reason, coding, cache).
import { rmSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { allowlist } from 'tinyhttp-allowlist'
import { fallback } from 'tinyhttp-fallback'
import { metrics, toPrometheusText, wireMetrics, type MetricsMiddleware } from 'tinyhttp-metrics'
import { serveStatic } from 'tinyhttp-static'
import { writeTree } from '../helpers/file-tree.js'
import { closeAll, serve } from '../helpers/serve.js'
import { send } from '../helpers/wire.js'

let root: string
const text = 'tinyhttp metrics '.repeat(200) // 3.4 KB of text: static compresses it
beforeAll(async () => {
  root = await writeTree('tinyhttp-metrics-', { 'a.txt': text, 'big.bin': 'x'.repeat(2 * 1024 * 1024) })
})
afterAll(() => rmSync(root, { recursive: true, force: true }))
afterEach(closeAll)

/** Every sample line of a scrape: `name{labels}` → value. */
function samples(observe: MetricsMiddleware): Map<string, number> {
  const out = new Map<string, number>()
  for (const line of toPrometheusText(observe.registry.snapshot()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const at = line.lastIndexOf(' ')
    out.set(line.slice(0, at), Number(line.slice(at + 1)))
  }
  return out
}

async function site(): Promise<{ port: number; observe: MetricsMiddleware; files: ReturnType<typeof serveStatic> }> {
  const observe = metrics()
  const files = serveStatic(root, { compress: true })
  const served = await serve([observe, fallback(), allowlist(['a.txt', 'big.bin'], { root }), files])
  wireMetrics(observe.registry, served.app)
  return { port: served.port, observe, files }
}

describe('metrics() over the wire', () => {
  it('counts a file from memory, a compressed variant, a 304, a file from disk, a refusal, an unknown method', async () => {
    const { port, observe, files } = await site()
    // Static makes its br variant in the background on the first request that asks: make it first, so
    // the request counted below gets it (on a loaded machine the first one may still get identity).
    await send(port, 'GET', '/a.txt', { 'Accept-Encoding': 'br' })
    await files.idle()
    const s0 = samples(observe)
    const plain = await send(port, 'GET', '/a.txt')
    expect(plain.status).toBe(200)
    expect(plain.body.toString()).toBe(text)
    const br = await send(port, 'GET', '/a.txt', { 'Accept-Encoding': 'br' })
    expect(br.header('content-encoding')).toBe('br')
    const etag = plain.header('etag') as string
    expect((await send(port, 'GET', '/a.txt', { 'If-None-Match': etag })).status).toBe(304)
    const big = await send(port, 'GET', '/big.bin')
    expect(big.body.length).toBe(2 * 1024 * 1024)
    expect((await send(port, 'GET', '/secret.txt')).status).toBe(403)
    expect((await send(port, 'BREW', '/a.txt')).status).toBe(501)
    expect((await send(port, 'HEAD', '/a.txt')).status).toBe(200)

    const s1 = samples(observe)
    const s = new Map([...s1].map(([k, v]) => [k, v - (s0.get(k) ?? 0)]))
    expect(s.get('tinyhttp_http_requests_total{method="GET",status_class="2xx"}')).toBe(3)
    expect(s.get('tinyhttp_http_requests_total{method="GET",status_class="3xx"}')).toBe(1)
    expect(s.get('tinyhttp_http_requests_total{method="GET",status_class="4xx"}')).toBe(1)
    expect(s.get('tinyhttp_http_requests_total{method="HEAD",status_class="2xx"}')).toBe(1)
    expect(s.get('tinyhttp_http_requests_total{method="other",status_class="5xx"}')).toBe(1)
    expect(s.get('tinyhttp_http_refusals_total{reason="deny:not-allowlisted"}')).toBe(1)
    expect(s.get('tinyhttp_http_refusals_total{reason="static:method-not-implemented"}')).toBe(1)
    expect(s.get('tinyhttp_http_responses_encoding_total{encoding="br"}')).toBe(1)
    expect(s.get('tinyhttp_http_responses_encoding_total{encoding="identity"}')).toBe(6)
    expect(s.get('tinyhttp_static_cache_total{result="hit"}')).toBe(3) // GET, GET br, HEAD: all from memory
    expect(s.get('tinyhttp_static_cache_total{result="miss"}')).toBe(1)
    expect(s.get('tinyhttp_static_cache_total{result="revalidated"}')).toBe(1)
    expect(s.get('tinyhttp_http_request_duration_seconds_count')).toBe(7)
    expect(s.get('tinyhttp_http_request_duration_seconds_bucket{le="+Inf"}')).toBe(7)
    expect(s1.get('tinyhttp_http_requests_in_flight')).toBe(0)
    expect(s.get('tinyhttp_connections_opened_total')).toBe(7)
  })

  it('counts the body bytes handed to the socket exactly', async () => {
    const { port, observe } = await site()
    const a = await send(port, 'GET', '/a.txt')
    const b = await send(port, 'GET', '/a.txt', { 'Accept-Encoding': 'gzip' })
    await send(port, 'HEAD', '/big.bin')
    await send(port, 'GET', '/nope')
    const refusal = (await send(port, 'GET', '/nope')).body.length
    expect(samples(observe).get('tinyhttp_http_response_body_bytes_total')).toBe(a.body.length + b.body.length + 2 * refusal)
  })

  it('counts a response cut by the client as aborted, and the in-flight gauge goes back to 0', async () => {
    const { port, observe } = await site()
    const { RawClient } = await import('../helpers/raw-client.js')
    const client = await RawClient.connect(port)
    client.write('GET /big.bin HTTP/1.1\r\nHost: a\r\n\r\n')
    await client.waitForBytes(1000)
    client.close()
    const s = (): Map<string, number> => samples(observe)
    for (let i = 0; i < 200 && s().get('tinyhttp_http_responses_aborted_total') === 0; i++) await new Promise(r => setTimeout(r, 10))
    expect(s().get('tinyhttp_http_responses_aborted_total')).toBe(1)
    expect(s().get('tinyhttp_http_requests_in_flight')).toBe(0)
  })

  it('never makes a label of what a request sends', async () => {
    const { port, observe } = await site()
    for (const method of ['PROPFIND', 'get', 'X-EVIL']) await send(port, method, '/a.txt?q=<script>')
    await send(port, 'GET', '/%2e%2e/etc/passwd')
    await send(port, 'GET', '/a.txt', { 'Accept-Encoding': 'x-custom' })
    const scrape = toPrometheusText(observe.registry.snapshot())
    for (const secret of ['PROPFIND', 'get"', 'X-EVIL', 'script', 'passwd', 'x-custom', '127.0.0.1']) expect(scrape).not.toContain(secret)
    expect(samples(observe).get('tinyhttp_http_requests_total{method="other",status_class="5xx"}')).toBe(3)
  })
})
