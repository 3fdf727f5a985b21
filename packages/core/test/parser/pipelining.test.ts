import { describe, expect, test } from 'vitest'
import { RequestParser, type ParserHandler } from '../../src/http/parser.js'
import { bytes, messages, parse, request, run } from './helpers.js'

const get = (path: string): string => request([`GET ${path} HTTP/1.1`, 'Host: h'])
const postCl = (body: string): string => request(['POST /cl HTTP/1.1', 'Host: h', `Content-Length: ${body.length}`], body)
const postChunked = (body: string): string =>
  request(['POST /ch HTTP/1.1', 'Host: h', 'Transfer-Encoding: chunked'], `${body.length.toString(16)}\r\n${body}\r\n0\r\nT: 1\r\n\r\n`)

/** A handler recording event names, pausing after every message when `pause` is set. */
function recorder(pause: boolean): { handler: ParserHandler; log: string[] } {
  const log: string[] = []
  return {
    log,
    handler: {
      onHead: (h) => log.push(`head ${h.method} ${h.target}`),
      onBody: (c) => log.push(`body ${c.toString('latin1')}`),
      onComplete: () => {
        log.push('complete')
        return pause
      },
    },
  }
}

describe('pipelining', () => {
  const cases: [string, string, string[]][] = [
    ['two GETs', get('/1') + get('/2'), ['/1', '/2']],
    ['GET, POST with Content-Length, chunked POST, GET', get('/1') + postCl('abc') + postChunked('xyz') + get('/4'), ['/1', '/cl', '/ch', '/4']],
    ['empty lines between requests are ignored', `${postCl('ab')}\r\n${get('/2')}\r\n\r\n${get('/3')}`, ['/cl', '/2', '/3']],
    ['HTTP/1.0 and 1.1 mixed', request(['GET /a HTTP/1.0']) + get('/b'), ['/a', '/b']],
  ]
  test.each(cases)('%s', (_name, raw, targets) => {
    const outcome = parse(raw)
    expect(outcome.error).toBeNull()
    expect(outcome.eof).toBeNull()
    expect(messages(outcome).map((m) => m.head.target)).toEqual(targets)
  })

  test('bodies and trailers stay with their message', () => {
    const msgs = messages(parse(postCl('abc') + postChunked('xyz') + postCl('')))
    expect(msgs.map((m) => [m.body, m.trailers])).toEqual([['abc', null], ['xyz', ['T', '1']], ['', null]])
  })

  test('an error in the second request keeps the first', () => {
    const outcome = parse(`${get('/1')}GET /2 HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n`)
    expect(messages(outcome).map((m) => m.head.target)).toEqual(['/1'])
    expect(outcome.error).toBe('INVALID_HEADER_TOKEN')
  })

  test('body views point into the executed chunk', () => {
    const input = bytes(postCl('hello'))
    const views: Buffer[] = []
    const parser = new RequestParser({ onHead() {}, onBody: (c) => views.push(c), onComplete() {} })
    expect(parser.execute(input)).toBe(input.length)
    expect(views).toHaveLength(1)
    expect(views[0]!.buffer).toBe(input.buffer)
    expect(views[0]!.toString()).toBe('hello')
  })
})

describe('pause and resume', () => {
  test('execute stops right after the message whose onComplete returned true', () => {
    const first = bytes(postCl('abc'))
    const input = Buffer.concat([first, bytes(get('/2'))])
    const { handler, log } = recorder(true)
    const parser = new RequestParser(handler)
    expect(parser.execute(input)).toBe(first.length)
    expect(log).toEqual(['head POST /cl', 'body abc', 'complete'])
    expect(parser.idle).toBe(true)
    // Still paused: nothing is consumed.
    expect(parser.execute(input.subarray(first.length))).toBe(0)
    expect(log).toHaveLength(3)
    parser.resume()
    expect(parser.execute(input.subarray(first.length))).toBe(input.length - first.length)
    expect(log).toEqual(['head POST /cl', 'body abc', 'complete', 'head GET /2', 'complete'])
  })

  test('pausing after every message of a pipelined chunk yields the same events', () => {
    const raw = get('/1') + postChunked('xyz') + postCl('q') + get('/4')
    expect(run([raw], undefined, true)).toEqual(run([raw]))
  })

  test('a pause at the very end of the chunk consumes everything', () => {
    const input = bytes(get('/1'))
    const { handler } = recorder(true)
    const parser = new RequestParser(handler)
    expect(parser.execute(input)).toBe(input.length)
    parser.resume()
    expect(parser.execute(bytes(get('/2')))).toBe(get('/2').length)
  })
})

describe('idle, finish and reset', () => {
  test('idle tracks whether a message is in progress', () => {
    const parser = new RequestParser(recorder(false).handler)
    expect(parser.idle).toBe(true)
    parser.execute(bytes('\r\n'))
    expect(parser.idle).toBe(true)
    parser.execute(bytes('\r'))
    expect(parser.idle).toBe(false)
    parser.execute(bytes('\nG'))
    expect(parser.idle).toBe(false)
    parser.execute(bytes('ET / HTTP/1.1\r\nHost: h\r\n\r'))
    expect(parser.idle).toBe(false)
    parser.execute(bytes('\n'))
    expect(parser.idle).toBe(true)
    expect(parser.finish()).toBeNull()
  })

  test('idle is false while onHead runs, true while onComplete runs', () => {
    const seen: boolean[] = []
    const parser: RequestParser = new RequestParser({
      onHead: () => seen.push(parser.idle),
      onBody: () => seen.push(parser.idle),
      onComplete: () => {
        seen.push(parser.idle)
      },
    })
    parser.execute(bytes(get('/') + postCl('x')))
    expect(seen).toEqual([false, true, false, false, true])
  })

  test('finish reports an unfinished message', () => {
    const parser = new RequestParser(recorder(false).handler)
    parser.execute(bytes('GET / HTTP/1.1\r\n'))
    expect(parser.finish()).toBe('INCOMPLETE_MESSAGE')
    expect(parser.error).toBe('INCOMPLETE_MESSAGE')
    expect(parser.idle).toBe(false)
  })

  test('after an error execute consumes nothing and finish returns the error', () => {
    const parser = new RequestParser(recorder(false).handler)
    // The offending LF is at offset 25.
    expect(parser.execute(bytes('GET / HTTP/1.1\r\nHost: h\r\n\n'))).toBe(25)
    expect(parser.error).toBe('INVALID_LINE_ENDING')
    expect(parser.execute(bytes(get('/')))).toBe(0)
    expect(parser.finish()).toBe('INVALID_LINE_ENDING')
  })

  test('reset makes a dead or mid-message parser reusable', () => {
    const { handler, log } = recorder(false)
    const parser = new RequestParser(handler)
    parser.execute(bytes('BAD@ / HTTP/1.1\r\n'))
    expect(parser.error).toBe('INVALID_METHOD')
    parser.reset()
    expect(parser.error).toBeNull()
    expect(parser.idle).toBe(true)
    parser.execute(bytes('GET /half-a-ta'))
    parser.reset()
    parser.execute(bytes(get('/ok')))
    expect(log).toEqual(['head GET /ok', 'complete'])
  })

  test('reset clears a pause', () => {
    const { handler, log } = recorder(true)
    const parser = new RequestParser(handler)
    parser.execute(bytes(get('/1') + get('/2')))
    parser.reset()
    parser.execute(bytes(get('/3')))
    expect(log).toEqual(['head GET /1', 'complete', 'head GET /3', 'complete'])
  })
})
