/**
 * Issue 11, what is never compressed, through the real `tinyhttp-cli`: PNG, WOFF2, a `.gz` file (served
 * as the gzip file it is, never re-labelled `Content-Encoding: gzip`), a text file below 1 KiB, a bundle
 * too big for the memory cache, error answers (BREACH: bodies that may echo input), everything under
 * `--no-compress`; and `--precompressed` siblings on disk win over run-time variants.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { cleanupTemp, ensureBuilt, killAll, sleep } from '../cli/helpers.js'
import { NEVER_COMPRESSED, fileOf, makeSite } from './fixture.js'
import { CODINGS, decode, fetchRaw, startSite, varies, waitForCoding } from './wire.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

const EVERYTHING = 'br, gzip, zstd, deflate, *'

describe('files that are never compressed (compression on, the CLI default)', () => {
  it('PNG, WOFF2, .gz, < 1 KiB, > memory cache: the bytes on disk, no Content-Encoding, before and after jobs ran', async () => {
    const site = makeSite()
    const cli = await startSite(site)
    for (const round of ['first', 'after the bundle’s variants were made']) {
      for (const name of NEVER_COMPRESSED) {
        for (const method of ['GET', 'HEAD']) {
          const r = await fetchRaw(cli.port, method, `/${name}`, EVERYTHING)
          expect(r.status, `${method} ${name} (${round})`).toBe(200)
          expect(r.header('content-encoding'), `${method} ${name} (${round})`).toBeUndefined()
          expect(r.header('content-length'), `${method} ${name} (${round})`).toBe(String(fileOf(site, name).length))
          if (method === 'GET') expect(r.body.equals(fileOf(site, name)), `${name} (${round})`).toBe(true)
        }
      }
      // Jobs run in the background: wait until one certainly ran (the bundle's br), then ask again.
      if (round === 'first') {
        await waitForCoding(cli.port, '/app.js', 'br', fileOf(site, 'app.js'))
        await sleep(300)
      }
    }
  }, 60_000)

  it('types: the .gz file keeps its own type, PNG and WOFF2 theirs', async () => {
    const site = makeSite()
    const cli = await startSite(site)
    expect((await fetchRaw(cli.port, 'GET', '/notes.txt.gz', 'gzip')).header('content-type')).toMatch(/^application\/(x-)?gzip/)
    expect((await fetchRaw(cli.port, 'GET', '/logo.png', 'gzip')).header('content-type')).toBe('image/png')
    expect((await fetchRaw(cli.port, 'GET', '/font.woff2', 'gzip')).header('content-type')).toBe('font/woff2')
  })

  it('error answers are never compressed: 403 (default), 404 (--not-found 404), 405', async () => {
    const site = makeSite()
    const deny = await startSite(site)
    const notFound = await startSite(site, ['--not-found', '404'])
    // make sure compression is live on these servers before asking for errors
    await waitForCoding(deny.port, '/app.js', 'gzip')
    await waitForCoding(notFound.port, '/app.js', 'gzip')
    const path = '/missing-' + 'x'.repeat(1500) + '.js'
    const answers = [
      await fetchRaw(deny.port, 'GET', path, EVERYTHING),
      await fetchRaw(notFound.port, 'GET', path, EVERYTHING),
      await fetchRaw(notFound.port, 'GET', '/.env', EVERYTHING),
      await fetchRaw(deny.port, 'DELETE', '/app.js', EVERYTHING),
    ]
    expect(answers.map(r => r.status)).toEqual([403, 404, 404, 405])
    for (const r of answers) {
      expect(r.header('content-encoding'), `${r.status}`).toBeUndefined()
      expect(r.header('content-length')).toBe(String(r.body.length))
    }
  })
})

describe('--no-compress', () => {
  it('the bundle and the page go out as they are, even after a wait', async () => {
    const site = makeSite()
    const cli = await startSite(site, ['--no-compress'])
    for (let round = 0; round < 3; round++) {
      for (const name of ['app.js', 'index.html', 'style.css']) {
        const r = await fetchRaw(cli.port, 'GET', `/${name}`, EVERYTHING)
        expect(r.status).toBe(200)
        expect(r.header('content-encoding'), name).toBeUndefined()
        expect(r.body.equals(fileOf(site, name))).toBe(true)
      }
      await sleep(500)
    }
  })

  it('--compress after --no-compress turns it back on (last one wins), --compress alone is the default', async () => {
    const site = makeSite()
    const on = await startSite(site, ['--no-compress', '--compress'])
    await waitForCoding(on.port, '/app.js', 'br', fileOf(site, 'app.js'))
    const explicit = await startSite(site, ['--compress'])
    await waitForCoding(explicit.port, '/app.js', 'br', fileOf(site, 'app.js'))
  }, 60_000)

  it('with --precompressed: siblings on disk are still served, with Vary on every answer', async () => {
    const site = makeSite({ precompressed: true })
    const cli = await startSite(site, ['--no-compress', '--precompressed'])
    const br = await fetchRaw(cli.port, 'GET', '/app.js', 'br')
    expect(br.header('content-encoding')).toBe('br')
    expect(br.body.equals(fileOf(site, 'app.js.br'))).toBe(true)
    const identity = await fetchRaw(cli.port, 'GET', '/app.js', 'identity')
    expect(identity.header('content-encoding')).toBeUndefined()
    expect(varies(identity)).toBe(true)
    // style.css has no sibling and compression is off: identity
    expect((await fetchRaw(cli.port, 'GET', '/style.css', 'br')).header('content-encoding')).toBeUndefined()
  })
})

describe('--precompressed siblings win over run-time variants', () => {
  it('app.js.br / app.js.gz (made at qualities the server never uses) are served byte for byte, before and after jobs', async () => {
    const site = makeSite({ precompressed: true })
    const cli = await startSite(site, ['--precompressed'])
    for (const round of ['first', 'after other variants were made']) {
      for (const [coding, sibling] of [
        ['br', 'app.js.br'],
        ['gzip', 'app.js.gz'],
      ] as const) {
        const r = await fetchRaw(cli.port, 'GET', '/app.js', coding)
        expect(r.header('content-encoding'), `${coding} (${round})`).toBe(coding)
        expect(r.body.equals(fileOf(site, sibling)), `${coding} is the sibling's bytes (${round})`).toBe(true)
        expect(decode(r.body, coding).equals(fileOf(site, 'app.js'))).toBe(true)
        expect(r.header('content-length')).toBe(String(fileOf(site, sibling).length))
        expect(varies(r)).toBe(true)
      }
      if (round === 'first') {
        // style.css has no sibling: its run-time br shows the jobs are running on this server
        await waitForCoding(cli.port, '/style.css', 'br', fileOf(site, 'style.css'))
        await sleep(1500)
      }
    }
    const tags = new Set<string>()
    for (const coding of [...CODINGS, 'identity']) tags.add((await fetchRaw(cli.port, 'GET', '/app.js', coding)).header('etag') as string)
    expect(tags.size).toBe(CODINGS.length + 1)
  }, 60_000)
})
