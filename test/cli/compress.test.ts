/**
 * The CLI compresses by default (`--compress`; `--no-compress` turns it off), and `--check` shows for
 * every URL the br / gzip (/ zstd) sizes and whether they come from disk or are made at run time.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import zlib from 'node:zlib'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { run } from '../../packages/cli/src/cli.js'
import { start, type StartedServer } from '../../packages/cli/src/start.js'
import type { CliIo } from '../../packages/cli/src/output.js'
import { rawRequest } from '../helpers/raw-client.js'
import { cleanupTemp, demoSite, request, sleep } from './helpers.js'

afterAll(cleanupTemp)
const servers: StartedServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map(s => s.close(100)))
})

function fakeIo(cwd: string): CliIo & { out: () => string } {
  let out = ''
  return { stdout: { write: (s: string) => (out += s), isTTY: false }, stderr: { write: () => true, isTTY: false }, env: {}, cwd, out: () => out }
}

/** One header value (several lines joined), or undefined. */
function header(res: { headers: Map<string, string[]> }, name: string): string | undefined {
  return res.headers.get(name)?.join(', ')
}

const APP = Array.from({ length: 400 }, (_, i) => `export const v${i} = ${(i * 7919) % 1013} // line ${i}\n`).join('')

function site(): { cwd: string; root: string } {
  const s = demoSite()
  writeFileSync(join(s.root, 'app.js'), APP)
  return s
}

describe('serving', () => {
  it('on by default: br once the variant is made, decoded equal to the file, Vary on identity too', async () => {
    const { cwd } = site()
    const server = await start(['--port', '0', '-q'], fakeIo(cwd))
    servers.push(server)
    const first = await rawRequest(server.port, request('GET', '/app.js', { 'Accept-Encoding': 'gzip, br' }))
    expect(first.status).toBe(200)
    expect(header(first, 'vary')).toBe('Accept-Encoding')
    let br = first
    for (let i = 0; i < 100 && header(br, 'content-encoding') !== 'br'; i++) {
      await sleep(20)
      br = await rawRequest(server.port, request('GET', '/app.js', { 'Accept-Encoding': 'gzip, br' }))
    }
    expect(header(br, 'content-encoding')).toBe('br')
    expect(zlib.brotliDecompressSync(br.body).toString()).toBe(APP)
    const plain = await rawRequest(server.port, request('GET', '/app.js'))
    expect(header(plain, 'content-encoding')).toBeUndefined()
    expect(header(plain, 'vary')).toBe('Accept-Encoding')
  })

  it('--no-compress: identity, no Vary', async () => {
    const { cwd } = site()
    const server = await start(['--port', '0', '-q', '--no-compress'], fakeIo(cwd))
    servers.push(server)
    for (let i = 0; i < 3; i++) {
      const r = await rawRequest(server.port, request('GET', '/app.js', { 'Accept-Encoding': 'gzip, br' }))
      expect(header(r, 'content-encoding')).toBeUndefined()
      expect(header(r, 'vary')).toBeUndefined()
      await sleep(50)
    }
  })
})

describe('--check', () => {
  it('BR and GZIP columns: "<bytes> runtime" for made variants, "-" under 1 KiB', async () => {
    const { cwd } = site()
    const io = fakeIo(cwd)
    expect(await run(['--check'], io, { signals: false })).toBe(0)
    const out = io.out()
    expect(out).toMatch(/^ {2}URL +TYPE +SIZE +ETAG +CACHE-CONTROL +BR +GZIP( +ZSTD)?$/m)
    const br = zlib.brotliCompressSync(APP, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: APP.length, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT } })
    const gz = zlib.gzipSync(APP, { level: 9 })
    expect(out).toMatch(new RegExp(`^ {2}/app\\.js +text/javascript; charset=utf-8 +${APP.length} +"[^"]+" +no-cache +${br.length} runtime +${gz.length} runtime( +\\d+ runtime)?$`, 'm'))
    expect(out).toMatch(/^ {2}\/style\.css +text\/css; charset=utf-8 +555 +"[^"]+" +no-cache +- +-( +-)?$/m)
  })

  it('a precompressed sibling is "disk"; --no-compress leaves only the siblings', async () => {
    const { cwd, root } = site()
    const disk = zlib.brotliCompressSync(APP, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } })
    writeFileSync(join(root, 'app.js.br'), disk)
    const io = fakeIo(cwd)
    expect(await run(['--check', '--precompressed', '-a', 'app.js'], io, { signals: false })).toBe(0)
    expect(io.out()).toMatch(new RegExp(`^ {2}/app\\.js .* +${disk.length} disk +\\d+ runtime( +\\d+ runtime)?$`, 'm'))
    const off = fakeIo(cwd)
    expect(await run(['--check', '--precompressed', '--no-compress', '-a', 'app.js'], off, { signals: false })).toBe(0)
    expect(off.out()).toMatch(new RegExp(`^ {2}/app\\.js .* +${disk.length} disk +-( +-)?$`, 'm'))
    const none = fakeIo(cwd)
    expect(await run(['--check', '--no-compress', '-a', 'app.js'], none, { signals: false })).toBe(0)
    expect(none.out()).toMatch(/^ {2}URL +TYPE +SIZE +ETAG +CACHE-CONTROL$/m)
  })

  it('JSON: each variant with its coding, size, ETag and source', async () => {
    const { cwd } = site()
    const io = fakeIo(cwd)
    expect(await run(['--check', '--log-format', 'json', '-a', 'app.js'], io, { signals: false })).toBe(0)
    const report = JSON.parse(io.out()) as { codings: string[]; served: Array<{ url: string; etag: string; variants: Array<{ encoding: string; size: number; etag: string; source: string }> }> }
    const app = report.served.find(s => s.url === '/app.js')
    expect(report.codings.slice(0, 2)).toEqual(['br', 'gzip'])
    expect(app?.variants.map(v => [v.encoding, v.source])).toEqual(report.codings.map(c => [c, 'runtime']))
    for (const v of app?.variants ?? []) expect(v.etag).toBe(`${app?.etag.slice(0, -1)}-${v.encoding}"`)
  })
})
