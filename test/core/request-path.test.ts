import { HttpError, isHttpError } from 'tinyhttp-core'
import { afterEach, describe, expect, it } from 'vitest'
import { rawRequest } from '../helpers/raw-client.js'
import { closeAll, serve } from '../helpers/serve.js'

afterEach(closeAll)

const get = (port: number, target: string) => rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`)

describe('ctx.req.path is the canonical path, ctx.req.rawPath what was sent', () => {
  /** An app that guards /admin by routing on the obvious name. */
  async function guarded() {
    return serve(ctx => {
      if (ctx.req.path === '/admin') throw new HttpError(403)
      ctx.res.body = `path=${ctx.req.path} raw=${ctx.req.rawPath}`
    })
  }

  it('a guard on ctx.req.path cannot be bypassed with percent-encoding: /%61dmin is /admin', async () => {
    const { port } = await guarded()
    for (const target of ['/admin', '/%61dmin', '/%61%64%6D%69%6E', '/admin?x=1']) {
      const r = await get(port, target)
      expect(r.status, target).toBe(403)
      expect(r.body.toString()).toBe('Forbidden')
    }
  })

  it('a path with a dot-segment is a 400 carrying the rejection reason, not a route', async () => {
    const reasons: unknown[] = []
    const { port } = await serve([
      async (_ctx, next) => {
        try {
          await next()
        } catch (err) {
          reasons.push(isHttpError(err) ? err.reason : err)
          throw err
        }
      },
      ctx => {
        if (ctx.req.path === '/admin') throw new HttpError(403)
        ctx.res.body = 'public'
      },
    ])
    const r = await get(port, '/a/../admin')
    expect(r.status).toBe(400)
    expect(r.body.toString()).toBe('Bad Request')
    const encoded = await get(port, '/a/%2e%2e/admin')
    expect(encoded.status).toBe(400)
    const slash = await get(port, '/a%2Fadmin')
    expect(slash.status).toBe(400)
    expect(reasons).toHaveLength(3)
    expect(reasons[0]).toBe('dot-segment')
  })

  it('rawPath is the path exactly as sent (no query), path is decoded', async () => {
    const { port } = await guarded()
    const r = await get(port, '/caf%C3%A9/a%20b?q=%61')
    expect(r.status).toBe(200)
    expect(r.body.toString()).toBe('path=/café/a b raw=/caf%C3%A9/a%20b')
  })

  it('OPTIONS * is not a 400: path is "*" (as sent), no route matches it, the chain goes on', async () => {
    const { port } = await serve([
      async (ctx, next) => {
        if (ctx.req.path === '/admin') throw new HttpError(403)
        await next()
      },
      ctx => {
        ctx.res.status = 405
        ctx.res.headers.set('Allow', 'GET, HEAD')
        ctx.res.headers.set('X-Seen', `${ctx.req.path}|${ctx.req.rawPath}`)
      },
    ])
    const r = await rawRequest(port, 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(r.status).toBe(405)
    expect(r.headers.get('x-seen')).toEqual(['*|*'])
  })
})
