import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { PreparedHeaders } from '../../src/http/response-headers.js'
import { encodeHead } from '../../src/http/encode-head.js'
import type { ResponsePlan } from '../../src/http/response-plan.js'
import { respond } from '../../src/respond.js'
import { Response } from '../../src/response.js'

/** respond() and the wire's encodeHead() in one call, as a connection runs them. */
function planResponse(res: Response, isHead: boolean, versionMinor: number, keepAlive: boolean): ResponsePlan & { head: Buffer } {
  const plan = respond(res)
  encodeHead(plan, isHead, versionMinor, keepAlive)
  return plan as ResponsePlan & { head: Buffer }
}

/** The head as RFC 9112 §4/§5 and the core's framing rules spell it, written out by hand. */
function expectedHead(status: number, reason: string, fields: Array<[string, string]>, framing: string, date: string, connection: string): string {
  return `HTTP/1.1 ${status} ${reason}\r\n${fields.map(([n, v]) => `${n}: ${v}\r\n`).join('')}${framing}Date: ${date}\r\n${connection}\r\n`
}

const BLOCK_FIELDS: Array<[string, string]> = [
  ['Content-Type', 'text/html; charset=utf-8'],
  ['ETag', '"abc"'],
]

afterEach(() => {
  vi.useRealTimers()
})

describe('planResponse on a prepared header block', () => {
  it('gives the whole head in one buffer, and the same bytes object for an identical response in the same second', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2026-11-23T10:00:00.250Z'))
    const block = new PreparedHeaders(BLOCK_FIELDS)
    const body = Buffer.from('<p>hi</p>')
    const make = (): Response => {
      const res = new Response()
      res.status = 200
      res.headers.usePrepared(block)
      res.headers.set('Access-Control-Allow-Origin', '*')
      res.body = body
      return res
    }
    const first = planResponse(make(), false, 1, true)
    const second = planResponse(make(), false, 1, true)
    expect(first.headText).toBe('')
    expect(first.head.toString('latin1')).toBe(
      expectedHead(200, 'OK', [...BLOCK_FIELDS, ['Access-Control-Allow-Origin', '*']], 'Content-Length: 9\r\n', 'Mon, 23 Nov 2026 10:00:00 GMT', ''),
    )
    expect(second.head).toBe(first.head)
    expect(second.bytes).toBe(body)

    // The next second: a new Date line, new bytes.
    vi.setSystemTime(new Date('2026-11-23T10:00:01.000Z'))
    const third = planResponse(make(), false, 1, true)
    expect(third.head).not.toBe(first.head)
    expect(third.head.toString('latin1')).toContain('Date: Mon, 23 Nov 2026 10:00:01 GMT\r\n')
  })

  it('keeps apart what differs: status, own fields, length, connection', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2026-11-23T10:00:00.000Z'))
    const block = new PreparedHeaders(BLOCK_FIELDS)
    const date = 'Mon, 23 Nov 2026 10:00:00 GMT'
    const plan = (status: number, own: Array<[string, string]>, body: Buffer | null, keepAlive: boolean, minor = 1): string => {
      const res = new Response()
      res.status = status
      res.headers.usePrepared(block)
      for (const [n, v] of own) res.headers.append(n, v)
      res.body = body
      return planResponse(res, false, minor, keepAlive).head.toString('latin1')
    }
    const small = Buffer.alloc(3)
    const other = Buffer.alloc(4)
    expect(plan(200, [], small, true)).toBe(expectedHead(200, 'OK', BLOCK_FIELDS, 'Content-Length: 3\r\n', date, ''))
    expect(plan(200, [], other, true)).toBe(expectedHead(200, 'OK', BLOCK_FIELDS, 'Content-Length: 4\r\n', date, ''))
    expect(plan(200, [], small, false)).toBe(expectedHead(200, 'OK', BLOCK_FIELDS, 'Content-Length: 3\r\n', date, 'Connection: close\r\n'))
    expect(plan(200, [], small, true, 0)).toBe(expectedHead(200, 'OK', BLOCK_FIELDS, 'Content-Length: 3\r\n', date, 'Connection: keep-alive\r\n'))
    expect(plan(304, [], null, true)).toBe(expectedHead(304, 'Not Modified', BLOCK_FIELDS, '', date, ''))
    expect(plan(200, [['Vary', 'Origin']], small, true)).toBe(
      expectedHead(200, 'OK', [...BLOCK_FIELDS, ['Vary', 'Origin']], 'Content-Length: 3\r\n', date, ''),
    )
    expect(plan(200, [['Vary', 'Accept']], small, true)).toBe(
      expectedHead(200, 'OK', [...BLOCK_FIELDS, ['Vary', 'Accept']], 'Content-Length: 3\r\n', date, ''),
    )
    // And the first ones again, after the memo had to make room.
    expect(plan(200, [], small, true)).toBe(expectedHead(200, 'OK', BLOCK_FIELDS, 'Content-Length: 3\r\n', date, ''))
    expect(plan(404, [], small, true)).toBe(expectedHead(404, 'Not Found', BLOCK_FIELDS, 'Content-Length: 3\r\n', date, ''))
  })

  it('produces the same bytes as a block that never saw a response before, for any sequence of responses (fast-check)', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const response = fc.record({
      status: fc.constantFrom(200, 204, 206, 304, 404, 412, 500),
      own: fc.array(
        fc.tuple(fc.constantFrom('Access-Control-Allow-Origin', 'Vary', 'X-A', 'Content-Range'), fc.constantFrom('*', 'Origin', 'a', 'bytes 0-1/2')),
        { maxLength: 3 },
      ),
      length: fc.constantFrom(-1, 0, 1, 2, 10),
      keepAlive: fc.boolean(),
      minor: fc.constantFrom(0, 1),
      head: fc.boolean(),
      second: fc.integer({ min: 0, max: 2 }),
      remove: fc.constantFrom(undefined, 'etag', 'x-a'),
    })
    fc.assert(
      fc.property(fc.array(response, { minLength: 1, maxLength: 30 }), list => {
        const shared = new PreparedHeaders(BLOCK_FIELDS)
        for (const r of list) {
          vi.setSystemTime(1_800_000_000_000 + r.second * 1000)
          const build = (block: PreparedHeaders): string => {
            const res = new Response()
            res.status = r.status
            res.headers.usePrepared(block)
            for (const [n, v] of r.own) res.headers.append(n, v)
            if (r.remove !== undefined) res.headers.delete(r.remove)
            res.body = r.length < 0 ? null : Buffer.alloc(r.length)
            const plan = planResponse(res, r.head, r.minor, r.keepAlive)
            return plan.head.toString('latin1') + plan.headText
          }
          expect(build(shared)).toBe(build(new PreparedHeaders(BLOCK_FIELDS)))
        }
      }),
      { numRuns: 300 },
    )
  })
})
