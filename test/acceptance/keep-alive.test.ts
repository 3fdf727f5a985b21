// Persistent connections (RFC 9112 §9): 100 requests on one connection, 16-deep pipelining in
// order (also with the bytes split at odd places), Connection: close and HTTP/1.0 closing.
import { describe, expect, test } from 'vitest'
import { BIG_SHA256, FILE_TXT, INDEX_HTML, RawClient, STYLE_CSS, SUB_INDEX_HTML, SUB_PAGE_HTML, cliBuilt, h, req, request, serveForSuite, sha256, show, sleep, tokens, topic, type RawResponse } from './fixture.js'

interface Step {
  method: string
  target: string
  headers?: Record<string, string>
  status: number
  body?: Buffer
}

function steps(etag: string): Step[] {
  return [
    { method: 'GET', target: '/file.txt', status: 200, body: FILE_TXT },
    { method: 'GET', target: '/', status: 200, body: INDEX_HTML },
    { method: 'HEAD', target: '/style.css', status: 200, body: Buffer.alloc(0) },
    { method: 'GET', target: '/style.css', status: 200, body: STYLE_CSS },
    { method: 'GET', target: '/file.txt', headers: { 'If-None-Match': etag }, status: 304, body: Buffer.alloc(0) },
    { method: 'GET', target: '/file.txt', headers: { Range: 'bytes=2-4' }, status: 206, body: FILE_TXT.subarray(2, 5) },
    { method: 'GET', target: '/secret.txt', status: 403, body: Buffer.alloc(0) },
    { method: 'GET', target: '/sub/', status: 200, body: SUB_INDEX_HTML },
    { method: 'DELETE', target: '/file.txt', status: 405 },
    { method: 'GET', target: '/sub', status: 301 },
    { method: 'GET', target: '/file.txt/', status: 404 }, // 403 accepted too
    { method: 'GET', target: '/file.txt', headers: { Range: 'bytes=100-' }, status: 416 },
    { method: 'GET', target: '/sub/page.html', status: 200, body: SUB_PAGE_HTML },
    { method: 'OPTIONS', target: '/file.txt', headers: { Origin: 'https://x.example', 'Access-Control-Request-Method': 'GET' }, status: 204, body: Buffer.alloc(0) },
    { method: 'GET', target: '/empty.txt', status: 200, body: Buffer.alloc(0) },
    { method: 'GET', target: '/file.txt', headers: { 'If-Match': '"nope"' }, status: 412 },
  ]
}

function check(step: Step, res: RawResponse, i: number): void {
  const what = `#${i} ${step.method} ${step.target} ${JSON.stringify(step.headers ?? {})}\n${show(res)}`
  if (step.status === 301) expect([301, 308], what).toContain(res.status)
  else if (step.status === 404) expect([403, 404], what).toContain(res.status)
  else expect(res.status, what).toBe(step.status)
  if (step.body !== undefined) expect(res.body.equals(step.body), what).toBe(true)
  expect(tokens(res, 'connection'), what).not.toContain('close')
}

describe.skipIf(!cliBuilt())(topic('keep-alive and pipelining'), () => {
  const suite = serveForSuite()

  test('100 sequential requests (every outcome) on one connection', async () => {
    const plan = steps(suite.etag)
    const c = await RawClient.connect(suite.s.port)
    try {
      for (let i = 0; i < 100; i++) {
        const step = plan[i % plan.length]!
        c.write(req(step.method, step.target, step.headers ?? {}))
        const res = await c.readResponse({ head: step.method === 'HEAD' })
        check(step, res, i)
        expect(c.ended, `server closed after #${i}`).toBe(false)
      }
    } finally {
      c.close()
    }
  })

  test('16 pipelined requests in one write → 16 responses in order', async () => {
    const plan = steps(suite.etag)
    expect(plan.length).toBe(16)
    const c = await RawClient.connect(suite.s.port)
    try {
      c.write(plan.map(p => req(p.method, p.target, p.headers ?? {})).join(''))
      for (let i = 0; i < plan.length; i++) check(plan[i]!, await c.readResponse({ head: plan[i]!.method === 'HEAD' }), i)
      await sleep(100)
      expect(c.pending.length).toBe(0)
      expect(c.ended).toBe(false)
    } finally {
      c.close()
    }
  })

  test('16 pipelined requests written in 7-byte slices → 16 responses in order', async () => {
    const plan = steps(suite.etag)
    const bytes = Buffer.from(plan.map(p => req(p.method, p.target, p.headers ?? {})).join(''), 'latin1')
    const c = await RawClient.connect(suite.s.port)
    try {
      c.socket.setNoDelay(true)
      for (let i = 0; i < bytes.length; i += 7) {
        c.write(bytes.subarray(i, i + 7))
        if (i % 140 === 0) await sleep(1)
      }
      for (let i = 0; i < plan.length; i++) check(plan[i]!, await c.readResponse({ head: plan[i]!.method === 'HEAD' }), i)
    } finally {
      c.close()
    }
  })

  test('pipelined GET /big.bin then GET /file.txt: the second response follows the 5 MiB intact', async () => {
    const c = await RawClient.connect(suite.s.port)
    try {
      c.write(req('GET', '/big.bin') + req('GET', '/file.txt'))
      const a = await c.readResponse({ timeoutMs: 15_000 })
      expect(a.status).toBe(200)
      expect(sha256(a.body)).toBe(BIG_SHA256)
      const b = await c.readResponse()
      expect(b.status).toBe(200)
      expect(b.body.equals(FILE_TXT)).toBe(true)
    } finally {
      c.close()
    }
  })

  test.each([
    ['GET 200', 'GET', '/file.txt', {}],
    ['HEAD', 'HEAD', '/file.txt', {}],
    ['304', 'GET', '/file.txt', { 'If-None-Match': 'ETAG' }],
    ['403', 'GET', '/secret.txt', {}],
    ['405', 'POST', '/file.txt', { 'Content-Length': '0' }],
  ] as Array<[string, string, string, Record<string, string>]>)('Connection: close on a %s is honoured: the server closes, later pipelined requests are not answered', async (_label, method, target, headers) => {
    const hdrs = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v === 'ETAG' ? suite.etag : v]))
    const c = await RawClient.connect(suite.s.port)
    try {
      c.write(req(method, target, hdrs, { close: true }) + req('GET', '/index.html'))
      const res = await c.readResponse({ head: method === 'HEAD' })
      expect(res.status).toBeLessThan(500)
      expect(tokens(res, 'connection'), `SHOULD send close (RFC 9112 §9.6)\n${show(res)}`).toContain('close')
      expect(await c.waitForEnd(2000), 'server closed the connection').toBe(true)
      expect(c.pending.toString('latin1'), 'a request after Connection: close was answered').not.toMatch(/HTTP\/1\.1/)
    } finally {
      c.close()
    }
  })

  test('HTTP/1.0 request → complete response (Content-Length, no chunking), then close', async () => {
    const c = await RawClient.connect(suite.s.port)
    try {
      c.write('GET /index.html HTTP/1.0\r\n\r\n')
      const res = await c.readResponse()
      expect(res.status).toBe(200)
      expect(res.statusLine).toMatch(/^HTTP\/1\.[01] 200/)
      expect(h(res, 'content-length')).toBe(String(INDEX_HTML.length))
      expect(res.headers.has('transfer-encoding')).toBe(false)
      expect(res.body.equals(INDEX_HTML)).toBe(true)
      expect(await c.waitForEnd(2000), 'HTTP/1.0 without keep-alive must close').toBe(true)
    } finally {
      c.close()
    }
  })

  test('HTTP/1.0 HEAD and 304 also close', async () => {
    for (const raw of ['HEAD /file.txt HTTP/1.0\r\n\r\n', `GET /file.txt HTTP/1.0\r\nIf-None-Match: ${suite.etag}\r\n\r\n`]) {
      const c = await RawClient.connect(suite.s.port)
      try {
        c.write(raw)
        const res = await c.readResponse({ head: raw.startsWith('HEAD') })
        expect([200, 304]).toContain(res.status)
        expect(await c.waitForEnd(2000), raw).toBe(true)
      } finally {
        c.close()
      }
    }
  })

  test('HTTP/1.0 + Connection: keep-alive: if the server agrees (Connection: keep-alive), a second request is answered', async () => {
    const c = await RawClient.connect(suite.s.port)
    try {
      c.write('GET /file.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n')
      const res = await c.readResponse()
      expect(res.status).toBe(200)
      expect(res.body.equals(FILE_TXT)).toBe(true)
      if (tokens(res, 'connection').includes('keep-alive')) {
        c.write('GET /index.html HTTP/1.0\r\nConnection: keep-alive\r\n\r\n')
        const b = await c.readResponse()
        expect(b.body.equals(INDEX_HTML)).toBe(true)
      } else {
        expect(await c.waitForEnd(2000), 'no keep-alive announced, so the connection must close').toBe(true)
      }
    } finally {
      c.close()
    }
  })

  test('200 pipelined GETs in one write → 200 intact responses in order', async () => {
    const c = await RawClient.connect(suite.s.port)
    try {
      const targets = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? '/file.txt' : '/style.css'))
      c.write(targets.map(t => req('GET', t)).join(''))
      for (let i = 0; i < targets.length; i++) {
        const res = await c.readResponse()
        expect(res.status, `#${i}`).toBe(200)
        expect(res.body.equals(i % 2 === 0 ? FILE_TXT : STYLE_CSS), `#${i}`).toBe(true)
      }
    } finally {
      c.close()
    }
  })

  test.each([
    ['h2c', 'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA'],
    ['websocket', 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='],
  ])('Upgrade: %s is ignored: a normal 200 (never 101), and the connection keeps speaking HTTP/1.1', async (_id, extra) => {
    const c = await RawClient.connect(suite.s.port)
    try {
      c.write(`GET /file.txt HTTP/1.1\r\nHost: localhost\r\n${extra}\r\n\r\n`)
      const res = await c.readResponse()
      expect(res.status, show(res)).toBe(200)
      expect(res.body.equals(FILE_TXT)).toBe(true)
      if (!c.ended) {
        c.write(req('GET', '/index.html'))
        const b = await c.readResponse()
        expect(b.body.equals(INDEX_HTML)).toBe(true)
      }
    } finally {
      c.close()
    }
  })

  test('200 idle open connections do not stop a new one from being served', async () => {
    const idle = await Promise.all(Array.from({ length: 200 }, () => RawClient.connect(suite.s.port)))
    try {
      const res = await request(suite.s.port, 'GET', '/file.txt')
      expect(res.status).toBe(200)
      expect(res.body.equals(FILE_TXT)).toBe(true)
      // And the idle ones can still be used.
      idle[0]!.write(req('GET', '/index.html'))
      const r0 = await idle[0]!.readResponse()
      expect(r0.body.equals(INDEX_HTML)).toBe(true)
    } finally {
      for (const c of idle) c.close()
    }
  })

  test('Connection: close in a different case and with other tokens ("Keep-Alive, CLOSE") is honoured', async () => {
    const c = await RawClient.connect(suite.s.port)
    try {
      c.write('GET /file.txt HTTP/1.1\r\nHost: localhost\r\nConnection: Keep-Alive, CLOSE\r\n\r\n')
      const res = await c.readResponse()
      expect(res.status).toBe(200)
      expect(await c.waitForEnd(2000)).toBe(true)
    } finally {
      c.close()
    }
  })
})
