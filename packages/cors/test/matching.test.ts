import { describe, expect, it } from 'vitest'
import { HttpError, type Next } from 'tinyhttp-core'
import { cors } from '../src/index.js'
import { isTokenList } from '../src/header-list.js'
import { withContext } from './with-context.js'

const done: Next = () => Promise.resolve()

describe('cors: hot path with origin *', () => {
  it('a GET reads no request header and sets exactly ACAO and ACEH', async () => {
    await withContext('GET', '/index.html', { Origin: 'https://x.example' }, async ctx => {
      let reads = 0
      const headers = ctx.req.headers
      Object.defineProperty(ctx.req, 'headers', {
        value: new Proxy(headers, {
          get(target, prop, receiver) {
            if (prop === 'get' || prop === 'has' || prop === 'getAll') reads++
            return Reflect.get(target, prop, receiver)
          },
        }),
      })
      const mw = cors()
      await mw(ctx, async () => {
        ctx.res.body = 'x'
      })
      expect(reads).toBe(0)
      expect([...ctx.res.headers]).toEqual([
        ['Access-Control-Allow-Origin', '*'],
        ['Access-Control-Expose-Headers', 'Content-Length, Content-Range, Accept-Ranges, ETag'],
      ])
    })
  })

  it('with exposedHeaders: [] a response costs one header', async () => {
    await withContext('GET', '/', {}, async ctx => {
      await cors({ exposedHeaders: [] })(ctx, done)
      expect([...ctx.res.headers]).toEqual([['Access-Control-Allow-Origin', '*']])
    })
  })
})

describe('cors: committed responses and errors', () => {
  it('rethrows when the response is already committed', async () => {
    for (const mw of [cors(), cors({ origin: ['https://a.example'] })]) {
      await withContext('GET', '/', { Origin: 'https://a.example' }, async ctx => {
        const err = new Error('late')
        await expect(
          mw(ctx, async () => {
            ctx.res.commit()
            throw err
          }),
        ).rejects.toBe(err)
      })
    }
  })

  it('renders an HttpError thrown below with its status and headers, then adds CORS headers', async () => {
    await withContext('GET', '/', { Origin: 'https://a.example' }, async ctx => {
      await cors({ origin: ['https://a.example'] })(ctx, async () => {
        ctx.res.headers.set('X-Below', 'dropped')
        throw new HttpError(429, 'Slow down', { headers: { 'Retry-After': '10' } })
      })
      expect(ctx.res.status).toBe(429)
      expect(ctx.res.body).toBe('Slow down')
      expect(ctx.res.headers.get('retry-after')).toBe('10')
      expect(ctx.res.headers.get('x-below')).toBeUndefined()
      expect(ctx.res.headers.get('access-control-allow-origin')).toBe('https://a.example')
      expect(ctx.res.headers.get('vary')).toBe('Origin')
    })
  })
})

describe('cors: RegExp origins are stateless', () => {
  it('the same origin gives the same answer every time, whatever the caller does to its RegExp', async () => {
    const pattern = /^https:\/\/([a-z0-9-]+\.)?a\.example$/
    const mw = cors({ origin: pattern })
    const answers: Array<string | undefined> = []
    for (let i = 0; i < 6; i++) {
      pattern.lastIndex = i * 3
      await withContext('GET', '/', { Origin: 'https://cdn.a.example' }, async ctx => {
        await mw(ctx, done)
        answers.push(ctx.res.headers.get('access-control-allow-origin'))
      })
    }
    expect(new Set(answers)).toEqual(new Set(['https://cdn.a.example']))
  })
})

describe('cors: Access-Control-Request-Headers validation', () => {
  it.each([
    ['range', true],
    ['range, x-foo', true],
    ['range,x-foo', true],
    [' range ,\tx-foo ', true],
    ['', false],
    [',', false],
    ['a,,b', false],
    ['x foo', false],
    ['x-foo, <script>', false],
    ['a;b', false],
    ['a,b,', false],
    ['ümlaut', false],
  ])('%j → %s', (value, expected) => {
    expect(isTokenList(value)).toBe(expected)
  })
})
