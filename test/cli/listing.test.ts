// --listing through the real CLI process: off by default; on, a folder without an index is listed (HTML,
// JSON) with only what the allow entries serve; live under --watch; kept CSP under --security-headers.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest, type RawResponse } from '../helpers/raw-client.js'
import { cleanupTemp, ensureBuilt, killAll, request, sleep, spawnCli, startCli, tempDir } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

const header = (res: RawResponse, name: string): string | undefined => res.headers.get(name)?.[0]

function site(): { cwd: string } {
  const cwd = tempDir()
  const root = join(cwd, 'public')
  mkdirSync(join(root, 'docs', 'img'), { recursive: true })
  mkdirSync(join(root, 'docs', 'drafts'), { recursive: true })
  mkdirSync(join(cwd, 'outside'))
  writeFileSync(join(root, 'index.html'), '<h1>home</h1>')
  writeFileSync(join(root, 'docs', 'guide.txt'), 'guide')
  writeFileSync(join(root, 'docs', 'R&D.txt'), 'r and d')
  writeFileSync(join(root, 'docs', '.env'), 'SECRET=1')
  writeFileSync(join(root, 'docs', 'img', 'logo.svg'), '<svg/>')
  writeFileSync(join(root, 'docs', 'drafts', 'wip.md'), 'not allowed')
  writeFileSync(join(cwd, 'outside', 'secret.txt'), 'outside')
  symlinkSync(join(cwd, 'outside', 'secret.txt'), join(root, 'docs', 'out.txt'))
  return { cwd }
}

const names = (res: RawResponse): string[] => (JSON.parse(res.body.toString('utf8')) as { entries: Array<{ name: string }> }).entries.map(e => e.name)

describe('tinyhttp-cli --listing', () => {
  it('never lists the root\'s rule files (_headers, _redirects, serve.json), which are configuration, not content', async () => {
    const cwd = tempDir()
    const root = join(cwd, 'public')
    mkdirSync(join(root, 'docs'), { recursive: true })
    writeFileSync(join(root, 'docs', 'a.txt'), 'a')
    writeFileSync(join(root, 'b.txt'), 'b')
    writeFileSync(join(root, '_headers'), '/docs/*\n  X-Docs: 1\n')
    writeFileSync(join(root, '_redirects'), '/old /b.txt 301\n')
    writeFileSync(join(root, 'serve.json'), '{"cleanUrls": false}')
    const cli = await startCli(['public', '--port', '0', '-q', '--listing'], { cwd })
    const json = await rawRequest(cli.port, request('GET', '/', { Accept: 'application/json' }))
    expect(json.status).toBe(200)
    expect(names(json)).toEqual(['docs', 'b.txt'])
    // The rules themselves are in force.
    expect(header(await rawRequest(cli.port, request('GET', '/docs/a.txt')), 'x-docs')).toBe('1')
    expect((await rawRequest(cli.port, request('GET', '/old'))).status).toBe(301)
  })

  it('is off by default: a folder without an index is refused like any path not served', async () => {
    const { cwd } = site()
    const cli = await startCli(['public', '--port', '0', '-q'], { cwd })
    expect((await rawRequest(cli.port, request('GET', '/docs/'))).status).toBe(403)
    expect((await rawRequest(cli.port, request('GET', '/docs'))).status).toBe(403)
  })

  it('lists what the allow entries serve: no dotfile, no symlink out of the root, no unlisted folder', async () => {
    const { cwd } = site()
    const cli = await startCli(['public', '--port', '0', '-q', '--listing', '-a', 'index.html', '-a', 'docs/*.txt', '-a', 'docs/img'], { cwd })
    const json = await rawRequest(cli.port, request('GET', '/docs/', { Accept: 'application/json' }))
    expect(json.status).toBe(200)
    expect(header(json, 'content-type')).toBe('application/json; charset=utf-8')
    expect(header(json, 'vary')).toBe('Accept')
    expect(names(json)).toEqual(['img', 'R&D.txt', 'guide.txt'])
    const html = await rawRequest(cli.port, request('GET', '/docs/'))
    expect(html.status).toBe(200)
    expect(header(html, 'content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'/)
    const body = html.body.toString('utf8')
    expect(body).toContain('<a href="/docs/R&amp;D.txt">R&amp;D.txt</a>')
    for (const hidden of ['.env', 'drafts', 'out.txt', 'wip']) expect(body).not.toContain(hidden)
    // The index at the root keeps being served; /docs redirects to the listing; HEAD and 304 answer.
    expect((await rawRequest(cli.port, request('GET', '/'))).body.toString()).toBe('<h1>home</h1>')
    const bare = await rawRequest(cli.port, request('GET', '/docs'))
    expect([bare.status, header(bare, 'location')]).toEqual([301, '/docs/'])
    const head = await rawRequest(cli.port, request('HEAD', '/docs/'), { head: true })
    expect([head.status, header(head, 'content-length'), head.body.length]).toEqual([200, String(html.body.length), 0])
    const again = await rawRequest(cli.port, request('GET', '/docs/', { 'If-None-Match': header(html, 'etag') as string }))
    expect([again.status, again.body.length]).toEqual([304, 0])
    // A folder with nothing served is refused, as without --listing.
    expect((await rawRequest(cli.port, request('GET', '/docs/drafts/'))).status).toBe(403)
  })

  it('with --not-found 404, a folder with nothing served is a 404 like any other path', async () => {
    const { cwd } = site()
    const cli = await startCli(['public', '--port', '0', '-q', '--listing', '--not-found', '404', '-a', 'docs/guide.txt'], { cwd })
    expect((await rawRequest(cli.port, request('GET', '/docs/img/'))).status).toBe(404)
    expect((await rawRequest(cli.port, request('GET', '/docs/?format=json'))).status).toBe(200)
  })

  it('--watch: a file created after start-up appears in the listing', async () => {
    const { cwd } = site()
    const cli = await startCli(['public', '--port', '0', '-q', '--listing', '--watch'], { cwd })
    const before = names(await rawRequest(cli.port, request('GET', '/docs/?format=json')))
    expect(before).toEqual(['drafts', 'img', 'R&D.txt', 'guide.txt'])
    writeFileSync(join(cwd, 'public', 'docs', 'new.txt'), 'new')
    let now: string[] = before
    for (let i = 0; i < 100 && !now.includes('new.txt'); i++) {
      await sleep(50)
      now = names(await rawRequest(cli.port, request('GET', '/docs/?format=json')))
    }
    expect(now).toEqual(['drafts', 'img', 'R&D.txt', 'guide.txt', 'new.txt'])
  })

  it("--security-headers keeps the listing's own policy and adds frame-ancestors as a second field", async () => {
    const { cwd } = site()
    const cli = await startCli(['public', '--port', '0', '-q', '--listing', '--security-headers'], { cwd })
    const res = await rawRequest(cli.port, request('GET', '/docs/'))
    const csp = res.headers.get('content-security-policy') ?? []
    expect(csp).toHaveLength(2)
    expect(csp[0]).toMatch(/^default-src 'none'; style-src 'sha256-/)
    expect(csp[1]).toBe("frame-ancestors 'none'")
  })

  it('--help names the option', async () => {
    const cli = spawnCli(['--help'])
    await cli.exited()
    expect(cli.stdout()).toMatch(/--listing\s+list folders that have no index file/)
  })
})
