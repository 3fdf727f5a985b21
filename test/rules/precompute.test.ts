// Header rules and presets precomputed into static's blocks (`serveStatic(root, { headers: fileHeaders(...) })`)
// give the same bytes as the same middlewares applying them per request: every status, HEAD, 304, ranges,
// encoded variants (precompressed and made at run time), files from memory and from disk, on random rule sets.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { allowlist, type AllowlistMiddleware } from 'tinyhttp-allowlist'
import { createApp, type App, type Context, type Next } from 'tinyhttp-core'
import { fallback } from 'tinyhttp-fallback'
import { serveStatic, type ServeStaticMiddleware } from 'tinyhttp-static'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileHeaders, headerLayer, mergeRules, parseHeaders, parseRedirects, presets, rules, type PresetOptions } from 'tinyhttp-rules'

const CSS = 'body { color: #123; margin: 0 auto; }\n'.repeat(60) // compressible, above compress's minSize
const FILES: Record<string, string | Buffer> = {
  'index.html': '<!doctype html><title>shell</title>',
  'about.html': '<!doctype html><title>about</title>',
  'docs/index.html': '<!doctype html><title>docs</title>',
  'app.3f9a1c2e.js': 'console.log("app")',
  'sw.js': 'self.addEventListener("fetch", () => {})',
  'manifest.webmanifest': '{"name":"x"}',
  'style.css': CSS,
  'data.json': '{"a":1,"b":[1,2,3]}',
  'data.json.gz': gzipSync('{"a":1,"b":[1,2,3]}'),
  'big.bin': Buffer.alloc(9000, 7), // above memoryCacheMaxFileSize below: served from disk
}
const ALLOW = ['index.html', 'about.html', 'docs/index.html', 'app.3f9a1c2e.js', 'sw.js', 'manifest.webmanifest', 'style.css', 'data.json', 'data.json.gz', 'big.bin']

let root: string
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tinyhttp-precompute-'))
  await mkdir(join(root, 'docs'))
  for (const [name, bytes] of Object.entries(FILES)) await writeFile(join(root, name), bytes)
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

const PATTERNS = ['/*', '/index.html', '/docs/*', '/docs/', '/docs/index.html', '/about.html', '/:name', '/app.3f9a1c2e.js', '/sw.js', '/style.css', '/big.bin', '/data.json', '/nope']
const NAMES = ['Cache-Control', 'X-Rule', 'x-rule', 'Vary', 'Content-Type', 'Accept-Ranges', 'Last-Modified', 'X-Content-Type-Options', 'Cross-Origin-Opener-Policy', 'Referrer-Policy']
const VALUES = ['no-cache', 'public, max-age=60', 'a', 'b', 'text/plain', 'none', 'same-origin']

/** A `_headers` text: blocks of `Name: value` and `! Name` (removal) lines. */
const headersText = fc
  .array(
    fc.tuple(
      fc.constantFrom(...PATTERNS),
      fc.array(fc.tuple(fc.constantFrom(...NAMES), fc.option(fc.constantFrom(...VALUES), { freq: 4 })), { minLength: 1, maxLength: 4 }),
    ),
    { maxLength: 8 },
  )
  .map(blocks =>
    blocks
      .map(([pattern, fields]) => {
        // One line per name in a block (a repeated name is joined; keep the property about order and removal).
        const seen = new Set<string>()
        const lines = fields.filter(([n]) => !seen.has(n.toLowerCase()) && seen.add(n.toLowerCase()))
        return `${pattern}\n${lines.map(([n, v]) => (v === null ? `  ! ${n}` : `  ${n}: ${v}`)).join('\n')}\n`
      })
      .join(''),
  )

const presetOptions: fc.Arbitrary<PresetOptions> = fc.record({
  cache: fc.constantFrom(undefined, 'spa' as const),
  isolate: fc.boolean(),
  securityHeaders: fc.constantFrom(undefined, { tls: false }, { tls: true }),
}).map(o => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as PresetOptions)

const REDIRECTS = '/old /index.html 301\n/spa/* /index.html 200!\n/gone/* /about.html 302\n'

interface Site {
  app: App
  files: ServeStaticMiddleware
  list: AllowlistMiddleware
}

/** The CLI's chain: presets → fallback → rules → allowlist → static, the headers baked or not. */
async function site(headers: string, options: PresetOptions, baked: boolean): Promise<Site> {
  const list = allowlist(ALLOW, { root })
  await list.ready
  const rulesMw = rules(mergeRules([parseHeaders(headers, '_headers'), parseRedirects(REDIRECTS, '_redirects')]))
  const presetsMw = presets(options)
  const files = serveStatic(root, {
    compress: true,
    precompressed: ['gzip'],
    memoryCacheMaxFileSize: 4096,
    ...(baked ? { headers: fileHeaders(rulesMw.headerLayer, presetsMw.headerLayer) } : {}),
  })
  const app = createApp()
  app.use(presetsMw, errorPage, fallback(), rulesMw, list, fieldsBesides, files)
  return { app, files, list }
}

/** Fields besides static's block: `Vary` appended on the way out (`/sw.js`, `/style.css`), one set before it (`/about.html`). */
function fieldsBesides(ctx: Context, next: Next): void | Promise<void> {
  const path = ctx.req.rawPath
  if (path === '/about.html') ctx.res.headers.set('X-Early', '1')
  if (path !== '/sw.js' && path !== '/style.css') return next()
  return Promise.resolve(next()).then(() => {
    ctx.res.headers.append('Vary', 'Origin')
  })
}

/** Like an error page: `/error` is answered with static's `/about.html` and the status 404. */
function errorPage(ctx: Context, next: Next): void | Promise<void> {
  if (ctx.req.rawPath !== '/error') return next()
  ctx.req.rewrite('/about.html')
  return Promise.resolve(next()).then(() => {
    ctx.res.status = 404
  })
}

/** The requests of one comparison, some depending on the ETag a first GET got. */
function requests(etags: Map<string, string>): Array<{ method: string; target: string; headers: Record<string, string> }> {
  const out: Array<{ method: string; target: string; headers: Record<string, string> }> = []
  const paths = ['/', '/index.html', '/docs/', '/docs/index.html', '/docs', '/about.html', '/app.3f9a1c2e.js', '/sw.js', '/manifest.webmanifest', '/style.css', '/data.json', '/big.bin', '/missing', '/old', '/spa/deep/link', '/gone/x', '/error', '/a/../b', '/%2F']
  for (const target of paths) {
    for (const ae of ['', 'gzip, br']) {
      const base: Record<string, string> = { Host: 'x', ...(ae === '' ? {} : { 'Accept-Encoding': ae }) }
      out.push({ method: 'GET', target, headers: base }, { method: 'HEAD', target, headers: base })
      const etag = etags.get(`${target} ${ae}`)
      if (etag !== undefined) {
        out.push({ method: 'GET', target, headers: { ...base, 'If-None-Match': etag } })
        out.push({ method: 'HEAD', target, headers: { ...base, 'If-None-Match': etag } })
        out.push({ method: 'GET', target, headers: { ...base, 'If-Match': '"other"' } })
      }
      out.push({ method: 'GET', target, headers: { ...base, Range: 'bytes=0-9' } })
      out.push({ method: 'GET', target, headers: { ...base, Range: 'bytes=0-1,4-5' } })
      out.push({ method: 'GET', target, headers: { ...base, Range: 'bytes=99999-' } })
    }
    out.push({ method: 'POST', target, headers: { Host: 'x' } })
  }
  return out
}

/** The bytes on the wire without the `Date` line, a multipart boundary (random per answer) as `B`. */
function wire(raw: Buffer): string {
  const text = raw.toString('latin1').replace(/\r\nDate: [^\r]*/, '')
  const boundary = /\r\n--([0-9a-f]{24})\r\n/.exec(text)?.[1]
  return boundary === undefined ? text : text.split(boundary).join('B')
}

describe('header rules and presets baked into static\'s blocks', () => {
  it('give the same bytes as applied per request, on random rule sets and presets', async () => {
    await fc.assert(
      fc.asyncProperty(headersText, presetOptions, async (headers, options) => {
        const off = await site(headers, options, false)
        const on = await site(headers, options, true)
        try {
          // First pass: learn the ETags and start the variants made at run time; wait until both made them.
          const etags = new Map<string, string>()
          for (const r of requests(new Map())) {
            const res = await off.app.inject(r)
            const etag = res.headers.get('etag')
            if (r.method === 'GET' && res.status === 200 && etag !== undefined && r.headers.Range === undefined) {
              etags.set(`${r.target} ${r.headers['Accept-Encoding'] ?? ''}`, etag)
            }
            await on.app.inject(r)
          }
          await Promise.all([off.files.idle(), on.files.idle()])
          for (const r of requests(etags)) {
            const a = await off.app.inject(r)
            const b = await on.app.inject(r)
            expect(wire(b.raw), `${r.method} ${r.target} ${JSON.stringify(r.headers)}`).toBe(wire(a.raw))
          }
        } finally {
          for (const s of [off, on]) {
            s.list.close()
            s.files.close()
          }
        }
      }),
      { numRuns: 25 },
    )
  }, 120_000)

  it('a file answered from memory leaves the chain as the bare baked block: no header work per request', async () => {
    const headers = '/*\n  X-Rule: a\n  ! X-Content-Type-Options\n/index.html\n  Cache-Control: no-cache\n'
    const list = allowlist(ALLOW, { root })
    await list.ready
    const rulesMw = rules(parseHeaders(headers, '_headers'))
    const presetsMw = presets({ cache: 'spa', isolate: true })
    let calls = 0
    const counted = headerLayer(() => rulesMw.headerLayer.current(), (...a) => (calls++, rulesMw.headerLayer.edits(...a)))
    // The count is of the edits computed: the stamps must be the rules middleware's own to be recognized.
    Object.assign(counted, { stamps: rulesMw.headerLayer.stamps })
    const files = serveStatic(root, { headers: fileHeaders(counted, presetsMw.headerLayer) })
    const bare: boolean[] = []
    const probe = (ctx: Context, next: Next) => {
      const rest = next()
      const done = () => void bare.push(ctx.res.headers.prepared !== null && !ctx.res.headers.hasOwnFields)
      return rest === undefined ? done() : Promise.resolve(rest).then(done)
    }
    const app = createApp()
    app.use(probe, presetsMw, fallback(), rulesMw, list, files)
    try {
      const first = await app.inject({ target: '/index.html', headers: { Host: 'x' } })
      expect(first.status).toBe(200)
      expect(first.headers.get('x-rule')).toBe('a')
      expect(first.headers.get('x-content-type-options')).toBeUndefined()
      expect(first.headers.get('cache-control')).toBe('no-cache')
      expect(first.headers.get('cross-origin-opener-policy')).toBe('same-origin')
      const etag = first.headers.get('etag')!
      for (let i = 0; i < 5; i++) {
        expect((await app.inject({ target: '/index.html', headers: { Host: 'x' } })).headers.get('x-rule')).toBe('a')
        const nm = await app.inject({ target: '/index.html', headers: { Host: 'x', 'If-None-Match': etag } })
        expect(nm.status).toBe(304)
        expect(nm.headers.get('x-rule')).toBe('a')
        expect((await app.inject({ method: 'HEAD', target: '/index.html', headers: { Host: 'x' } })).headers.get('x-rule')).toBe('a')
      }
      // Edits computed once per block (200 and 304), not per request; every answer left as the baked block.
      expect(calls).toBe(2)
      expect(bare.every(b => b)).toBe(true)
      expect(bare.length).toBe(16)
    } finally {
      list.close()
      files.close()
    }
  })
})

describe('a swapped header state', () => {
  it('static bakes again when the version changes, and a middleware on another state puts back the block first', async () => {
    let state = { value: 'one' }
    const layer = headerLayer(() => state, s => [['X-State', s.value], ['Cache-Control', null]])
    const { carriesEdits } = await import('tinyhttp-rules')
    // A decorator that applies the state it saw when the request came in (as an atomic swap would).
    let requestState = state
    const decorate = (ctx: Context, next: Next) => {
      const seen = requestState
      const rest = next()
      const done = () => {
        const path = ctx.req.canonicalPath
        if (carriesEdits(ctx, layer, seen, path.ok ? path.path : undefined, true)) return
        for (const [name, value] of layer.edits(seen, '', [], false)) {
          if (value === null) ctx.res.headers.delete(name)
          else ctx.res.headers.set(name, value)
        }
      }
      return rest === undefined ? done() : Promise.resolve(rest).then(done)
    }
    const files = serveStatic(root, { headers: fileHeaders(layer) })
    const plain = serveStatic(root)
    const app = createApp().use(decorate, files)
    const reference = createApp().use(decorate, plain)
    try {
      const a = await app.inject({ target: '/sw.js', headers: { Host: 'x' } })
      expect(a.headers.get('x-state')).toBe('one')
      expect(a.headers.get('cache-control')).toBeUndefined()
      state = { value: 'two' }
      requestState = state
      const b = await app.inject({ target: '/sw.js', headers: { Host: 'x' } })
      expect(b.headers.get('x-state')).toBe('two')
      // Static baked "two", the request applies "one": the bytes of "one" applied per request.
      requestState = { value: 'one' }
      const mixed = await app.inject({ target: '/sw.js', headers: { Host: 'x' } })
      const expected = await reference.inject({ target: '/sw.js', headers: { Host: 'x' } })
      expect(wire(mixed.raw)).toBe(wire(expected.raw))
      expect(mixed.headers.get('x-state')).toBe('one')
    } finally {
      files.close()
      plain.close()
    }
  })
})

describe('rules().update() with the headers baked', () => {
  it('after an update static bakes the new set; a request in flight across it gets the old set\'s bytes', async () => {
    const A = parseHeaders('/*\n  X-Set: a\n  ! Accept-Ranges\n/sw.js\n  Cache-Control: public, max-age=60\n', '_headers')
    const B = parseHeaders('/*\n  X-Set: b\n  X-Only-B: 1\n', '_headers')
    let release: () => void = () => undefined
    let hold = false
    /** Holds a request between rules and static until released (the update happens meanwhile). */
    const gate = (_ctx: Context, next: Next) => {
      if (!hold) return next()
      return new Promise<void>(resolve => {
        release = resolve
      }).then(() => next())
    }
    const make = (baked: boolean) => {
      const rulesMw = rules(A)
      const files = serveStatic(root, baked ? { headers: fileHeaders(rulesMw.headerLayer) } : {})
      return { rulesMw, files, app: createApp().use(rulesMw, gate, files) }
    }
    const on = make(true)
    const off = make(false)
    const get = (s: ReturnType<typeof make>) => s.app.inject({ target: '/sw.js', headers: { Host: 'x' } })
    try {
      for (const s of [on, off]) {
        const before = await get(s)
        expect(before.headers.get('x-set')).toBe('a')
        expect(before.headers.get('cache-control')).toBe('public, max-age=60')
        // In flight on A while the set becomes B and another request makes static bake B.
        hold = true
        const inFlight = get(s)
        await new Promise(r => setTimeout(r, 10))
        hold = false
        s.rulesMw.update(B)
        const after = await get(s)
        expect(after.headers.get('x-set')).toBe('b')
        expect(after.headers.get('x-only-b')).toBe('1')
        expect(after.headers.get('accept-ranges')).toBe('bytes')
        release()
        const old = await inFlight
        expect(old.headers.get('x-set')).toBe('a')
        expect(old.headers.get('x-only-b')).toBeUndefined()
        expect(old.headers.get('accept-ranges')).toBeUndefined()
      }
      // The same bytes either way, for the request in flight too (asked again in the same order).
      on.rulesMw.update(A)
      off.rulesMw.update(A)
      expect(wire((await get(on)).raw)).toBe(wire((await get(off)).raw))
    } finally {
      on.files.close()
      off.files.close()
    }
  })
})
