import { describe, expect, it } from 'vitest'
import { read } from './generators.js'

const ok = (fields: string, body = ''): string => `HTTP/1.1 200 OK\r\n${fields}\r\n${body}`

describe('ResponseReader: framing (RFC 9112 §6.3)', () => {
  it.each<[string, string, string[], { body: string; framing: string } | { error: string }]>([
    ['Content-Length', ok('Content-Length: 5\r\n', 'hello'), ['GET'], { body: 'hello', framing: 'length' }],
    ['Content-Length: 0', ok('Content-Length: 0\r\n'), ['GET'], { body: '', framing: 'length' }],
    ['repeated equal Content-Length', ok('Content-Length: 2, 2\r\nContent-Length: 2\r\n', 'hi'), ['GET'], { body: 'hi', framing: 'length' }],
    ['differing Content-Length', ok('Content-Length: 2\r\nContent-Length: 3\r\n', 'hi'), ['GET'], { error: 'INVALID_CONTENT_LENGTH' }],
    ['signed Content-Length', ok('Content-Length: +2\r\n', 'hi'), ['GET'], { error: 'INVALID_CONTENT_LENGTH' }],
    ['chunked', ok('Transfer-Encoding: chunked\r\n', '2\r\nhi\r\n3;ext=1\r\nabc\r\n0\r\n\r\n'), ['GET'], { body: 'hiabc', framing: 'chunked' }],
    ['chunked, upper-case hex and leading zeros', ok('Transfer-Encoding: Chunked\r\n', '00A\r\n0123456789\r\n0\r\n\r\n'), ['GET'], { body: '0123456789', framing: 'chunked' }],
    ['BWS before a chunk extension (RFC 9112 §7.1.1)', ok('Transfer-Encoding: chunked\r\n', '1 ;a=b\r\nx\r\n0\r\n\r\n'), ['GET'], { body: 'x', framing: 'chunked' }],
    ['gzip, chunked', ok('Transfer-Encoding: gzip, chunked\r\n', '1\r\nx\r\n0\r\n\r\n'), ['GET'], { body: 'x', framing: 'chunked' }],
    ['chunked not last', ok('Transfer-Encoding: chunked, gzip\r\n', 'x'), ['GET'], { error: 'INVALID_FRAMING' }],
    ['Transfer-Encoding and Content-Length', ok('Transfer-Encoding: chunked\r\nContent-Length: 1\r\n', '0\r\n\r\n'), ['GET'], { error: 'INVALID_FRAMING' }],
    ['neither: until the end of input', ok('Connection: close\r\n', 'all of it'), ['GET'], { body: 'all of it', framing: 'close' }],
    ['other coding than chunked: until the end', ok('Transfer-Encoding: gzip\r\n', 'zz'), ['GET'], { body: 'zz', framing: 'close' }],
    ['HEAD: no body whatever the fields say', ok('Content-Length: 5\r\n'), ['HEAD'], { body: '', framing: 'none' }],
    ['HEAD with chunked', ok('Transfer-Encoding: chunked\r\n'), ['HEAD'], { body: '', framing: 'none' }],
    ['204', 'HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n', ['GET'], { body: '', framing: 'none' }],
    ['304', 'HTTP/1.1 304 Not Modified\r\nETag: "a"\r\nContent-Length: 3\r\n\r\n', ['GET'], { body: '', framing: 'none' }],
    ['bad chunk size', ok('Transfer-Encoding: chunked\r\n', 'zz\r\nhi\r\n0\r\n\r\n'), ['GET'], { error: 'INVALID_CHUNK' }],
    ['chunk data not followed by CRLF', ok('Transfer-Encoding: chunked\r\n', '2\r\nhiX\r\n0\r\n\r\n'), ['GET'], { error: 'INVALID_CHUNK' }],
    ['truncated Content-Length body', ok('Content-Length: 5\r\n', 'hel'), ['GET'], { error: 'INCOMPLETE_RESPONSE' }],
    ['truncated chunked body', ok('Transfer-Encoding: chunked\r\n', '5\r\nhel'), ['GET'], { error: 'INCOMPLETE_RESPONSE' }],
    ['chunked without the last chunk', ok('Transfer-Encoding: chunked\r\n', '1\r\nx\r\n'), ['GET'], { error: 'INCOMPLETE_RESPONSE' }],
  ])('%s', (_name, input, methods, want) => {
    const outcome = read([input], methods)
    if ('error' in want) {
      expect(outcome.error?.code).toBe(want.error)
    } else {
      expect(outcome.error).toBeNull()
      expect(outcome.responses).toHaveLength(1)
      expect(outcome.responses[0]).toMatchObject(want)
      expect(outcome.responses[0]?.raw).toBe(input)
    }
  })
})

describe('ResponseReader: status line and fields (RFC 9112 §4, §5)', () => {
  it.each<[string, string, { status: number; statusText: string; httpVersion: string } | { error: string }]>([
    ['plain', 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n', { status: 404, statusText: 'Not Found', httpVersion: '1.1' }],
    ['HTTP/1.0', 'HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n', { status: 200, statusText: 'OK', httpVersion: '1.0' }],
    ['empty reason', 'HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n', { status: 200, statusText: '', httpVersion: '1.1' }],
    ['no SP after the code', 'HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n', { status: 200, statusText: '', httpVersion: '1.1' }],
    ['reason with spaces and obs-text', 'HTTP/1.1 599 Sp\xe9cial  one\r\nContent-Length: 0\r\n\r\n', { status: 599, statusText: 'Sp\xe9cial  one', httpVersion: '1.1' }],
    ['HTTP/2.0', 'HTTP/2.0 200 OK\r\n\r\n', { error: 'INVALID_STATUS_LINE' }],
    ['two-digit status', 'HTTP/1.1 20 OK\r\n\r\n', { error: 'INVALID_STATUS_LINE' }],
    ['status below 100', 'HTTP/1.1 099 Odd\r\n\r\n', { error: 'INVALID_STATUS_LINE' }],
    ['lower-case http', 'http/1.1 200 OK\r\n\r\n', { error: 'INVALID_STATUS_LINE' }],
    ['leading empty line', '\r\nHTTP/1.1 200 OK\r\n\r\n', { error: 'INVALID_STATUS_LINE' }],
    ['space before the colon', 'HTTP/1.1 200 OK\r\nX-A : 1\r\n\r\n', { error: 'INVALID_FIELD' }],
    ['obs-fold', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n 2\r\nContent-Length: 0\r\n\r\n', { error: 'INVALID_FIELD' }],
    ['bare LF inside a field line', 'HTTP/1.1 200 OK\r\nX-A: 1\nX-B: 2\r\n\r\n', { error: 'INVALID_FIELD' }],
    ['NUL in a value', 'HTTP/1.1 200 OK\r\nX-A: a\x00b\r\n\r\n', { error: 'INVALID_FIELD' }],
    ['no colon', 'HTTP/1.1 200 OK\r\nX-A\r\n\r\n', { error: 'INVALID_FIELD' }],
  ])('%s', (_name, input, want) => {
    const outcome = read([input])
    if ('error' in want) expect(outcome.error?.code).toBe(want.error)
    else {
      expect(outcome.error).toBeNull()
      expect(outcome.responses[0]).toMatchObject(want)
    }
  })

  it('keeps field lines in order, names as sent, duplicates, values trimmed of OWS only', () => {
    const { responses } = read(['HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nX-Empty:\r\nset-cookie:\t b=2 \t\r\nX-In: a \t b\r\nContent-Length: 0\r\n\r\n'])
    expect(responses[0]?.headers).toEqual([
      ['Set-Cookie', 'a=1'],
      ['X-Empty', ''],
      ['set-cookie', 'b=2'],
      ['X-In', 'a \t b'],
      ['Content-Length', '0'],
    ])
  })

  it('reads trailer fields of a chunked body', () => {
    const { responses, error } = read([ok('Transfer-Encoding: chunked\r\n', '1\r\nx\r\n0\r\nX-Sum: 1\r\nX-Other: b\r\n\r\n')])
    expect(error).toBeNull()
    expect(responses[0]?.trailers).toEqual([
      ['X-Sum', '1'],
      ['X-Other', 'b'],
    ])
  })

  it('refuses a head larger than maxHeadSize, before it is complete', () => {
    const outcome = read([`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70_000)}`], [], false)
    expect(outcome.error?.code).toBe('HEAD_TOO_LARGE')
  })
})

describe('ResponseReader: sequences', () => {
  it('reads pipelined responses in order, each with its own bytes, HEAD by position', () => {
    const a = ok('Content-Length: 2\r\n', 'hi')
    const b = ok('Content-Length: 2\r\n')
    const c = 'HTTP/1.1 204 No Content\r\n\r\n'
    const d = ok('Transfer-Encoding: chunked\r\n', '1\r\nz\r\n0\r\n\r\n')
    const outcome = read([a + b + c + d], ['GET', 'HEAD', 'DELETE', 'GET'])
    expect(outcome.error).toBeNull()
    expect(outcome.responses.map(r => [r.status, r.body, r.raw])).toEqual([
      [200, 'hi', a],
      [200, '', b],
      [204, '', c],
      [200, 'z', d],
    ])
  })

  it('attaches interim responses to the final one that follows; they are not responses themselves', () => {
    const interim = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n'
    const final = ok('Content-Length: 1\r\n', 'x')
    const outcome = read([interim + final])
    expect(outcome.responses).toHaveLength(1)
    expect(outcome.responses[0]).toMatchObject({
      status: 200,
      body: 'x',
      raw: interim + final,
      interim: [
        { status: 100, statusText: 'Continue', headers: [] },
        { status: 103, statusText: 'Early Hints', headers: [['Link', '</a.css>; rel=preload']] },
      ],
    })
  })

  it('an interim response alone is not idle, and ending there is an incomplete response', () => {
    const outcome = read(['HTTP/1.1 100 Continue\r\n\r\n'])
    expect(outcome.idle).toBe(false)
    expect(outcome.error?.code).toBe('INCOMPLETE_RESPONSE')
  })

  it('stops at 101 Switching Protocols: what follows is left unparsed', async () => {
    const { ResponseReader } = await import('../../src/http/response-reader.js')
    const reader = new ResponseReader()
    reader.push(Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: upgrade\r\n\r\nnot http at all'))
    expect(reader.error).toBeNull()
    expect(reader.upgraded).toBe(true)
    expect(reader.responses.map(r => [r.status, r.framing])).toEqual([[101, 'upgrade']])
    expect(reader.unparsed.toString()).toBe('not http at all')
    expect(reader.end()).toBe(true)
  })

  it('is idle between responses, and ending there is clean', () => {
    expect(read([ok('Content-Length: 0\r\n')], [], false)).toMatchObject({ idle: true, error: null })
    expect(read([])).toMatchObject({ idle: true, error: null, responses: [] })
  })

  it('reports the offset of the fault from the first byte ever pushed', () => {
    const first = ok('Content-Length: 0\r\n')
    const outcome = read([first, 'HTTP/1.1 200 OK\r\nBad Field: 1\r\n\r\n'])
    expect(outcome.responses).toHaveLength(1)
    expect(outcome.error).toEqual({ code: 'INVALID_FIELD', offset: first.length + 'HTTP/1.1 200 OK\r\n'.length })
  })
})
