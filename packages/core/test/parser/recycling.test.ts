/**
 * The parser keeps what it knows about a request in progress in one state object, which goes back to a
 * process-wide pool when the message completes or fails and serves the next message of any parser.
 * These tests check that nothing of one message (fields, framing, carried token bytes, trailers) reaches
 * another: after a failure and `reset`, across interleaved parsers, and between pipelined messages.
 */
import { describe, expect, it } from 'vitest'
import { RequestParser, type ParserHandler } from '../../src/http/parser.js'
import type { RequestHead } from '../../src/http/request-head.js'
import { bytes } from './helpers.js'

interface Recorded {
  heads: RequestHead[]
  body: string
  trailers: Array<string[] | null>
}

function recorder(): { handler: ParserHandler; seen: Recorded } {
  const seen: Recorded = { heads: [], body: '', trailers: [] }
  const handler: ParserHandler = {
    onHead(head) {
      seen.heads.push(head)
    },
    onBody(chunk) {
      seen.body += chunk.toString('latin1')
    },
    onComplete(trailers) {
      seen.trailers.push(trailers)
    },
  }
  return { handler, seen }
}

function feed(parser: RequestParser, text: string): number {
  return parser.execute(bytes(text))
}

describe('a message never sees the state of another one', () => {
  it('after a failure and reset, the next message starts clean', () => {
    const { handler, seen } = recorder()
    const parser = new RequestParser(handler)
    feed(parser, 'POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\nExpect: 100-continue\r\nX-Tok')
    feed(parser, 'en: 1\r\nBad Name: x\r\n')
    expect(parser.error).toBe('INVALID_HEADER_TOKEN')
    parser.reset()
    expect(feed(parser, 'GET /b HTTP/1.1\r\nHost: b\r\n\r\n')).toBe(28)
    expect(parser.error).toBeNull()
    expect(seen.heads).toHaveLength(1)
    expect(seen.heads[0]).toEqual({
      method: 'GET',
      target: '/b',
      path: '/b',
      query: '',
      targetForm: 'origin',
      versionMinor: 1,
      rawHeaders: ['Host', 'b'],
      host: 'b',
      contentLength: -1,
      chunked: false,
      keepAlive: true,
      expect: 'none',
    })
    expect(seen.trailers).toEqual([null])
  })

  it('a token carried when its message failed leaves no bytes for the next parser', () => {
    const a = new RequestParser(recorder().handler)
    feed(a, 'GET /aaaa')
    feed(a, 'aa\x01 HTTP/1.1\r\n')
    expect(a.error).toBe('INVALID_TARGET')
    const { handler, seen } = recorder()
    const b = new RequestParser(handler)
    feed(b, 'GET /bb')
    feed(b, 'b?q HTTP/1.1\r\nHo')
    feed(b, 'st: h\r\nX-Long: ')
    feed(b, 'v'.repeat(300))
    feed(b, '\r\n\r\n')
    expect(b.error).toBeNull()
    expect(seen.heads.map(h => [h.target, h.path, h.query, h.rawHeaders])).toEqual([
      ['/bbb?q', '/bbb', 'q', ['Host', 'h', 'X-Long', 'v'.repeat(300)]],
    ])
  })

  it('interleaved parsers keep their own messages, heads, bodies and trailers', () => {
    const one = recorder()
    const two = recorder()
    const p1 = new RequestParser(one.handler)
    const p2 = new RequestParser(two.handler)
    feed(p1, 'GET /one?x HTTP/1.1\r\nHost: o')
    feed(p2, 'POST /two HTTP/1.1\r\nTransfer-Encoding: chunked\r\nHost: t\r\n\r\n5;e=1\r\nhel')
    feed(p1, 'ne\r\nConnection: close\r\n\r\n')
    feed(p2, 'lo\r\n0\r\nT: 1\r\n\r\nGET /again HTTP/1.1\r\nHost: t\r\n\r\n')
    feed(p1, 'GET /next HTTP/1.0\r\n\r\n')
    expect([p1.error, p2.error, p1.finish(), p2.finish()]).toEqual([null, null, null, null])
    expect(one.seen.heads.map(h => [h.method, h.target, h.host, h.keepAlive, h.chunked])).toEqual([
      ['GET', '/one?x', 'one', false, false],
      ['GET', '/next', '', false, false],
    ])
    expect(one.seen.trailers).toEqual([null, null])
    expect(one.seen.body).toBe('')
    expect(two.seen.heads.map(h => [h.method, h.target, h.host, h.keepAlive, h.chunked, h.rawHeaders.length])).toEqual([
      ['POST', '/two', 't', true, true, 4],
      ['GET', '/again', 't', true, false, 2],
    ])
    expect(two.seen.body).toBe('hello')
    expect(two.seen.trailers).toEqual([['T', '1'], null])
  })

  it('a parser between requests is idle after every completed message, however the bytes were split', () => {
    const { handler, seen } = recorder()
    const parser = new RequestParser(handler)
    const request = 'PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc'
    for (let cut = 1; cut < request.length; cut++) {
      feed(parser, request.slice(0, cut))
      expect(parser.idle).toBe(false)
      feed(parser, request.slice(cut))
      expect(parser.idle).toBe(true)
    }
    expect(parser.error).toBeNull()
    expect(seen.heads).toHaveLength(request.length - 1)
    expect(seen.body).toBe('abc'.repeat(request.length - 1))
  })
})
