/**
 * Issue 11 where compression meets the rest of the CLI's chain: with `--cors <origins>` the answer varies
 * by `Origin` and by `Accept-Encoding` (the two `Vary` values are merged, neither replaced); and on one
 * kept-open connection, pipelined requests alternating their `Accept-Encoding` each get their own
 * representation, in order.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { cleanupTemp, ensureBuilt, killAll, sleep, startCli } from '../cli/helpers.js'
import { RawClient } from '../helpers/raw-client.js'
import { fileOf, makeSite } from './fixture.js'
import { CODINGS, decode, fetchRaw, startSite, varies, waitForCoding } from './wire.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

function varyTokens(value: string | undefined): string[] {
  return (value ?? '').split(',').map(t => t.trim().toLowerCase()).filter(t => t !== '')
}

describe('Vary with --cors <origins>', () => {
  it('200, 304 and 206 vary by Origin and Accept-Encoding', async () => {
    const site = makeSite()
    const cli = await startSite(site, ['--cors', 'https://a.example'])
    const br = await waitForCoding(cli.port, '/app.js', 'br', fileOf(site, 'app.js'))
    const origin = { Origin: 'https://a.example' }
    const answers = [
      await fetchRaw(cli.port, 'GET', '/app.js', 'br', origin),
      await fetchRaw(cli.port, 'GET', '/app.js', 'br', { ...origin, 'If-None-Match': br.header('etag') as string }),
      await fetchRaw(cli.port, 'GET', '/app.js', 'br', { ...origin, Range: 'bytes=0-9' }),
      await fetchRaw(cli.port, 'GET', '/app.js', undefined, origin),
    ]
    expect(answers.map(r => r.status)).toEqual([200, 304, 206, 200])
    for (const r of answers) {
      const tokens = varyTokens(r.header('vary'))
      expect(tokens, `${r.status}`).toContain('origin')
      expect(tokens, `${r.status}`).toContain('accept-encoding')
      expect(r.header('access-control-allow-origin')).toBe('https://a.example')
    }
    expect(answers[0]!.header('content-encoding')).toBe('br')
  }, 60_000)
})

describe('one kept-open connection', () => {
  it('12 pipelined requests alternating Accept-Encoding: each answer in its coding, decoded to the file, in order', async () => {
    const site = makeSite()
    const cli = await startSite(site)
    for (const coding of CODINGS) await waitForCoding(cli.port, '/style.css', coding, fileOf(site, 'style.css'))
    const order = Array.from({ length: 12 }, (_, i) => [...CODINGS, 'identity'][i % (CODINGS.length + 1)] as string)
    const client = await RawClient.connect(cli.port)
    try {
      client.write(order.map(ae => `GET /style.css HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: ${ae}\r\n\r\n`).join(''))
      for (const ae of order) {
        const r = await client.readResponse({ timeoutMs: 10_000 })
        const coding = r.headers.get('content-encoding')?.[0]
        expect(r.status).toBe(200)
        expect(coding ?? 'identity').toBe(ae)
        expect(decode(r.body, coding).equals(fileOf(site, 'style.css'))).toBe(true)
        expect(varies(Object.assign(r, { header: (n: string) => r.headers.get(n)?.join(', '), count: (n: string) => r.headers.get(n)?.length ?? 0 }))).toBe(true)
      }
    } finally {
      client.close()
    }
  }, 60_000)
})

describe('the access log', () => {
  it('counts the encoded bytes written, per coding', async () => {
    const site = makeSite()
    const cli = await startCli([site.root, '--port', '0', '--log-format', 'json'], { cwd: site.cwd })
    const sent = new Map<string, number>()
    for (const coding of CODINGS) sent.set(coding, (await waitForCoding(cli.port, '/app.js', coding, fileOf(site, 'app.js'))).body.length)
    sent.set('identity', (await fetchRaw(cli.port, 'GET', '/app.js', 'identity')).body.length)
    for (const coding of sent.keys()) expect((await fetchRaw(cli.port, 'GET', '/app.js', coding, { 'User-Agent': `log-${coding}` })).status).toBe(200)
    // The log is written in batches: wait (bounded) until every marked line is there.
    const deadline = Date.now() + 5000
    const marked = (): Map<string, number> =>
      new Map(
        cli
          .stdout()
          .split('\n')
          .filter(l => l.startsWith('{'))
          .map(l => JSON.parse(l) as { userAgent: string | null; bytes: number })
          .filter(l => l.userAgent?.startsWith('log-') === true)
          .map(l => [(l.userAgent as string).slice(4), l.bytes]),
      )
    while (marked().size < sent.size && Date.now() < deadline) await sleep(100)
    expect(marked()).toEqual(sent)
  }, 60_000)
})
