import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest, type RawResponse } from '../helpers/raw-client.js'
import { cleanupTemp, ensureBuilt, killAll, request, startCli, tempDir } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'
const NOTE = 'This server only serves the files it was told to serve.'
const page = (title: string, note: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${note}</p></body></html>\n`

/** A root with a listed page and a secret that exists but is not listed. */
function site(): { cwd: string } {
  const cwd = tempDir()
  mkdirSync(join(cwd, 'site'))
  writeFileSync(join(cwd, 'site', 'index.html'), '<!doctype html><title>home</title>')
  writeFileSync(join(cwd, 'site', 'secret.txt'), 'do not serve')
  return { cwd }
}

/** The whole response but the Date line, so two answers can be compared byte for byte. */
const wire = (res: RawResponse): string => res.rawHead.replace(/\r\nDate: [^\r]*/i, '') + '\r\n\r\n' + res.body.toString('latin1')
const header = (res: RawResponse, name: string): string | undefined => res.headers.get(name)?.[0]

describe('refusals have a readable body that names nothing of the request', () => {
  it('403: an HTML page for a browser navigation, the empty body for curl and scripts; existing-unlisted and missing give the same bytes', async () => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '-a', 'index.html'], { cwd })
    for (const accept of [BROWSER, '*/*', undefined]) {
      const headers: Record<string, string> = accept === undefined ? {} : { Accept: accept }
      const secret = await rawRequest(cli.port, request('GET', '/secret.txt', headers))
      const missing = await rawRequest(cli.port, request('GET', '/missing.txt', headers))
      expect(secret.status, accept).toBe(403)
      expect(wire(secret), accept).toBe(wire(missing))
      expect(header(secret, 'x-content-type-options')).toBe('nosniff')
      expect(header(secret, 'vary')).toBe('Accept')
      expect(secret.body.toString()).not.toContain('secret')
    }
    const html = await rawRequest(cli.port, request('GET', '/secret.txt', { Accept: BROWSER }))
    expect(html.body.toString()).toBe(page('403 Forbidden', NOTE))
    expect(header(html, 'content-type')).toBe('text/html; charset=utf-8')
    expect(header(html, 'content-security-policy')).toBe("default-src 'none'")
    // curl, fetch() and image requests (`*/*`), no Accept, JSON: the original program's empty 403.
    for (const accept of ['*/*', 'application/json', 'image/avif,image/webp,*/*;q=0.8']) {
      const other = await rawRequest(cli.port, request('GET', '/secret.txt', { Accept: accept, 'User-Agent': 'curl/8.5.0' }))
      expect(other.status).toBe(403)
      expect(header(other, 'content-length'), accept).toBe('0')
      expect(header(other, 'content-type'), accept).toBeUndefined()
    }
    // HEAD: the same head as GET, no body.
    const head = await rawRequest(cli.port, request('HEAD', '/secret.txt', { Accept: BROWSER }), { head: true })
    expect(header(head, 'content-length')).toBe(String(html.body.length))
    expect(header(head, 'content-type')).toBe('text/html; charset=utf-8')
  })

  it('--not-found 404: the same page with 404, identical for existing-unlisted and missing', async () => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '-a', 'index.html', '--not-found', '404'], { cwd })
    for (const accept of [BROWSER, '*/*']) {
      const secret = await rawRequest(cli.port, request('GET', '/secret.txt', { Accept: accept }))
      const missing = await rawRequest(cli.port, request('GET', '/missing.txt', { Accept: accept }))
      expect(secret.status).toBe(404)
      expect(wire(secret)).toBe(wire(missing))
    }
    const html = await rawRequest(cli.port, request('GET', '/secret.txt', { Accept: BROWSER }))
    expect(html.body.toString()).toBe(page('404 Not Found', NOTE))
  })

  it('405, 400 and --seed-methods 400 get their page too; a path with <script> is never reflected', async () => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '-a', 'index.html'], { cwd })
    const post = await rawRequest(cli.port, request('POST', '/index.html', { Accept: BROWSER }))
    expect(post.status).toBe(405)
    expect(header(post, 'allow')).toBe('GET, HEAD')
    expect(post.body.toString()).toBe(page('405 Method Not Allowed', 'This server only answers GET and HEAD requests.'))
    for (const path of ['/x%3Cscript%3Ealert(1)%3C%2Fscript%3E', '/%2e%2e/%3Cscript%3E']) {
      const bad = await rawRequest(cli.port, request('GET', path, { Accept: BROWSER }))
      expect(bad.status, path).toBe(400)
      expect(bad.body.toString()).toBe(page('400 Bad Request', 'This server could not accept this request.'))
      expect(wire(bad).toLowerCase()).not.toContain('script')
    }
    // Raw `<` never reaches the chain: the parser's own 400, without any of the path either.
    const raw = await rawRequest(cli.port, 'GET /<script>alert(1)</script> HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n\r\n')
    expect(raw.status).toBe(400)
    expect(wire(raw)).not.toContain('script')
    await killAll()

    const seed = await startCli(['site', '--port', '0', '-a', 'index.html', '--seed-methods'], { cwd })
    const put = await rawRequest(seed.port, request('PUT', '/index.html', { Accept: BROWSER }, 'x'))
    expect(put.status).toBe(400)
    expect(put.body.toString()).toBe(page('400 Bad Request', 'This server could not accept this request.'))
    expect((await rawRequest(seed.port, request('PUT', '/index.html', { Accept: '*/*' }, 'x'))).body.length).toBe(0)
  })
})
