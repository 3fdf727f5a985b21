/**
 * curl (Debian's, with zlib, brotli and zstd) as the real client of compress(): `--compressed` offers
 * every coding it can decode, gets br, and prints the original bytes; a streamed body and a body in
 * memory on one reused connection; HEAD shows the fields of the GET.
 */
import { execFile } from 'node:child_process'
import { Readable } from 'node:stream'
import { promisify } from 'node:util'
import { createApp, type App } from 'tinyhttp-core'
import { compress } from 'tinyhttp-compress'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { curlVersion } from '../helpers/curl.js'

const run = promisify(execFile)


const ITEMS = { items: Array.from({ length: 300 }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['a', 'b'] })) }
const LINES = Array.from({ length: 50 }, (_, i) => `line ${i}: ${'some log text that repeats '.repeat(8)}\n`)

let app: App | undefined
afterEach(async () => {
  await app?.close(500)
  app = undefined
})

async function start(): Promise<string> {
  app = createApp()
  app.use(compress())
  app.use(ctx => {
    if (ctx.req.path === '/items') ctx.res.body = ITEMS
    else if (ctx.req.path === '/log') {
      ctx.res.headers.set('Content-Type', 'text/plain; charset=utf-8')
      ctx.res.body = Readable.from(LINES)
    }
  })
  const { port } = await app.listen(0, '127.0.0.1')
  return `http://127.0.0.1:${port}`
}

describe('curl --compressed against compress()', () => {
  beforeAll(() => void curlVersion())
  it('gets br for JSON in memory and for a stream, decodes both, on one reused connection', async () => {
    const base = await start()
    const { stdout, stderr } = await run('curl', ['-sv', '--compressed', '-D', '-', `${base}/items`, '-D', '-', `${base}/log`], { maxBuffer: 16 * 1024 * 1024 })
    expect(stderr).toMatch(/Re-using existing connection|Reusing existing connection/)
    const [firstHead, rest] = splitHead(stdout)
    expect(firstHead).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(firstHead).toMatch(/\r\ncontent-encoding: br\r\n/i)
    expect(firstHead).toMatch(/\r\ncontent-length: \d+\r\n/i)
    expect(firstHead).toMatch(/\r\nvary: Accept-Encoding\r\n/i)
    const json = JSON.stringify(ITEMS)
    expect(rest.startsWith(json)).toBe(true)
    const [secondHead, log] = splitHead(rest.slice(json.length))
    expect(secondHead).toMatch(/\r\ncontent-encoding: br\r\n/i)
    expect(secondHead).toMatch(/\r\ntransfer-encoding: chunked\r\n/i)
    expect(log).toBe(LINES.join(''))
  })

  it('gzip when that is all the client takes; HEAD has the fields of the GET and no body', async () => {
    const base = await start()
    const gzip = await run('curl', ['-s', '--compressed', '-H', 'Accept-Encoding: gzip', '-D', '-', `${base}/items`])
    const [head, body] = splitHead(gzip.stdout)
    expect(head).toMatch(/\r\ncontent-encoding: gzip\r\n/i)
    expect(body).toBe(JSON.stringify(ITEMS))
    const headOnly = (await run('curl', ['-sI', '-H', 'Accept-Encoding: br', `${base}/items`])).stdout
    expect(headOnly).toMatch(/\r\ncontent-encoding: br\r\n/i)
    expect(headOnly).toMatch(/\r\nvary: Accept-Encoding\r\n/i)
    expect(headOnly).not.toMatch(/\r\ncontent-length:/i)
  })
})

/** Splits curl's `-D -` output into the first head (with its blank line) and what follows. */
function splitHead(text: string): [string, string] {
  const end = text.indexOf('\r\n\r\n')
  if (end < 0) throw new Error(`no head in ${JSON.stringify(text.slice(0, 200))}`)
  return [text.slice(0, end + 2), text.slice(end + 4)]
}
