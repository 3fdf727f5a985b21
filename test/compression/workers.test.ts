/**
 * Issue 11 with `--workers 2`: each process makes its own variants, and a strong ETag must still name
 * one sequence of bytes whichever process answers (RFC 9110 §8.8.3: a cache or a range request may mix
 * answers of both). The worker behind each answer is read from the JSON access log (`pid`), matched by a
 * per-request `User-Agent`.
 */
import { createHash } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { cleanupTemp, ensureBuilt, extraPids, killAll, sleep, startCli } from '../cli/helpers.js'
import { fileOf, makeSite } from './fixture.js'
import { CODINGS, decode, fetchRaw } from './wire.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

interface LogLine {
  pid?: number
  userAgent: string | null
}

describe('--workers 2', () => {
  it('one ETag = one body across workers, for every coding', async () => {
    const site = makeSite()
    const file = fileOf(site, 'app.js')
    const cli = await startCli([site.root, '--port', '0', '--workers', '2', '--log-format', 'json'], { cwd: site.cwd })
    const logged = (): Map<string, number> => {
      const out = new Map<string, number>()
      for (const line of cli.stdout().split('\n')) {
        if (!line.startsWith('{')) continue
        const l = JSON.parse(line) as LogLine
        if (l.pid !== undefined) extraPids.add(l.pid)
        if (l.userAgent !== null && l.pid !== undefined) out.set(l.userAgent, l.pid)
      }
      return out
    }
    // tag → body hash; coding → pids that answered in that coding
    const bodies = new Map<string, string>()
    const workersByCoding = new Map<string, Set<number>>(CODINGS.map(c => [c, new Set<number>()]))
    const pending = new Map<string, string>() // user agent → coding answered
    const deadline = Date.now() + 40_000
    let n = 0
    const done = (): boolean => [...workersByCoding.values()].every(s => s.size >= 2)
    while (!done() && Date.now() < deadline) {
      for (const coding of CODINGS) {
        const ua = `w-${n++}`
        const r = await fetchRaw(cli.port, 'GET', '/app.js', coding, { 'User-Agent': ua })
        expect(r.status).toBe(200)
        const got = r.header('content-encoding') ?? 'identity'
        expect(decode(r.body, r.header('content-encoding')).equals(file)).toBe(true)
        const tag = r.header('etag') as string
        const hash = createHash('sha256').update(r.body).digest('hex')
        expect(bodies.get(tag) ?? hash, `ETag ${tag} named two different bodies`).toBe(hash)
        bodies.set(tag, hash)
        if (got === coding) pending.set(ua, coding)
      }
      await sleep(20)
      const pids = logged()
      for (const [ua, coding] of pending) {
        const pid = pids.get(ua)
        if (pid !== undefined) {
          workersByCoding.get(coding)!.add(pid)
          pending.delete(ua)
        }
      }
    }
    const seen = Object.fromEntries([...workersByCoding].map(([c, s]) => [c, s.size]))
    expect(done(), `workers seen answering per coding after ${n} requests: ${JSON.stringify(seen)}`).toBe(true)
  }, 60_000)
})
