/**
 * Issue 11 with real clients against the real `tinyhttp-cli`: curl `--compressed` (Debian's curl asks
 * for `deflate, gzip, br, zstd`) gets br — or gzip when this curl has no brotli — and its decoded output
 * is the file; curl asking for gzip only gets gzip; plain curl gets the file as is. Node's own `fetch`
 * (undici) decodes what it is sent to the same bytes.
 *
 * Needs Debian's `curl` (installed by .ci/run): without it the curl tests fail and say so.
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanupTemp, ensureBuilt, killAll, tempDir } from '../cli/helpers.js'
import { COMPRESSIBLE, fileOf, makeSite, type Site } from './fixture.js'
import { curlVersion } from '../helpers/curl.js'
import { startSite, waitForAll } from './wire.js'

let site: Site
let port: number

beforeAll(async () => {
  ensureBuilt()
  site = makeSite()
  ;({ port } = await startSite(site))
  await waitForAll(port, site, COMPRESSIBLE)
}, 120_000)
afterAll(async () => {
  await killAll()
  cleanupTemp()
})

/** Runs curl (≤ 20 s) writing the body to a file; returns the response head and the body bytes. */
function curl(args: string[]): Promise<{ head: string; body: Buffer }> {
  const dir = tempDir('tinyhttp-curl-')
  const headFile = join(dir, 'head')
  const bodyFile = join(dir, 'body')
  return new Promise((resolve, reject) => {
    execFile('curl', ['-sS', '--max-time', '15', '-D', headFile, '-o', bodyFile, ...args], { timeout: 20_000 }, err => {
      if (err) return reject(err)
      resolve({ head: readFileSync(headFile, 'latin1'), body: readFileSync(bodyFile) })
    })
  })
}

function field(head: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:[ \\t]*([^\\r\\n]*)`, 'im').exec(head)
  return m?.[1]?.trim()
}

describe('curl', () => {
  it.each(COMPRESSIBLE)('--compressed /%s: br (gzip without brotli), decoded output = the file', async name => {
    curlVersion()
    const { head, body } = await curl(['--compressed', `http://127.0.0.1:${port}/${name}`])
    expect(head).toMatch(/^HTTP\/1\.1 200 /)
    const expected = /\bbrotli\b/i.test(curlVersion()) ? 'br' : 'gzip'
    expect(field(head, 'content-encoding')).toBe(expected)
    expect(field(head, 'vary')).toMatch(/accept-encoding/i)
    expect(body.equals(fileOf(site, name))).toBe(true)
    expect(Number(field(head, 'content-length'))).toBeLessThan(fileOf(site, name).length)
  })

  it('--compressed with Accept-Encoding: gzip → gzip, decoded output = the file', async () => {
    curlVersion()
    const { head, body } = await curl(['--compressed', '-H', 'Accept-Encoding: gzip', `http://127.0.0.1:${port}/app.js`])
    expect(field(head, 'content-encoding')).toBe('gzip')
    expect(body.equals(fileOf(site, 'app.js'))).toBe(true)
  })

  it('plain curl (no Accept-Encoding) → the file as is, with Vary', async () => {
    curlVersion()
    const { head, body } = await curl([`http://127.0.0.1:${port}/app.js`])
    expect(field(head, 'content-encoding')).toBeUndefined()
    expect(field(head, 'vary')).toMatch(/accept-encoding/i)
    expect(body.equals(fileOf(site, 'app.js'))).toBe(true)
  })

  it('--compressed, keep-alive: three URLs on one connection, each decoded to its file', async () => {
    curlVersion()
    const dir = tempDir('tinyhttp-curl-')
    const urls = ['app.js', 'style.css', 'index.html']
    const out: string[] = []
    for (const [i, name] of urls.entries()) out.push(`http://127.0.0.1:${port}/${name}`, '-o', join(dir, String(i)))
    const stderr = await new Promise<string>((resolve, reject) => {
      execFile('curl', ['-sS', '-v', '--max-time', '15', '--compressed', ...out], { timeout: 20_000 }, (err, _stdout, se) => (err ? reject(err) : resolve(se)))
    })
    expect(stderr).toMatch(/Re-using existing connection/i)
    for (const [i, name] of urls.entries()) expect(readFileSync(join(dir, String(i))).equals(fileOf(site, name)), name).toBe(true)
  })

  it('-I --compressed (HEAD): the coding and length of the GET', async () => {
    curlVersion()
    const get = await curl(['--compressed', `http://127.0.0.1:${port}/app.js`])
    const head = await curl(['-I', '--compressed', `http://127.0.0.1:${port}/app.js`])
    expect(field(head.head, 'content-encoding')).toBe(field(get.head, 'content-encoding'))
    expect(field(head.head, 'content-length')).toBe(field(get.head, 'content-length'))
    expect(field(head.head, 'etag')).toBe(field(get.head, 'etag'))
  })
})

describe("Node's fetch (undici)", () => {
  it.each(COMPRESSIBLE)('/%s: a coding it asked for, decoded to the file', async name => {
    const res = await fetch(`http://127.0.0.1:${port}/${name}`, { signal: AbortSignal.timeout(10_000) })
    expect(res.status).toBe(200)
    const coding = res.headers.get('content-encoding')
    expect(['br', 'gzip']).toContain(coding)
    expect(Buffer.from(await res.arrayBuffer()).equals(fileOf(site, name))).toBe(true)
  })
})
