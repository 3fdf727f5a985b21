/**
 * Issue 11, variant jobs through the real `tinyhttp-cli`: 50 simultaneous first requests for the bundle
 * all get a whole, correct answer (identity, or a variant that is finished — never a half-made body),
 * br follows soon after, and the server compressed the file once per coding, not once per request.
 *
 * "Once" is read off the process's CPU time (/proc/<pid>/stat, user + system, every thread: the libuv
 * pool included), which the server cannot fake and which needs nothing from its logs: a brotli-11 job of
 * the ~300 KB bundle costs what this test measures for it (hundreds of ms); 50 jobs would cost 50 × that.
 * The comparison is with a second CLI on the same site that got one request, so start-up (and any
 * warming) cancel out; the margin is ¾ of a job plus 200 ms (49 extra responses, and the ±200 ms two
 * identical runs differ by here). CPU time, not wall time: a loaded machine changes it little.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants } from 'node:zlib'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { cleanupTemp, ensureBuilt, killAll, sleep } from '../cli/helpers.js'
import { bundleSource, fileOf, makeSite } from './fixture.js'
import { CODINGS, decode, fetchRaw, startSite, variantTag, varies, waitForCoding } from './wire.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())

/** CPU time (user + system, all threads) of a process in ms, from /proc/<pid>/stat. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND
}

/**
 * Waits (≤ 30 s) until the process used under 20 ms of CPU in 400 ms; returns its CPU time then.
 * `why` explains a server still busy after 30 s (many jobs of ~0.5 s each do that).
 */
async function settledCpu(pid: number, why: string): Promise<number> {
  const deadline = Date.now() + 30_000
  let before = cpuMs(pid)
  while (Date.now() < deadline) {
    await sleep(400)
    const now = cpuMs(pid)
    if (now - before < 20) return now
    before = now
  }
  throw new Error(`server (pid ${pid}) still busy 30 s later, ${cpuMs(pid).toFixed(0)} ms CPU used: ${why}`)
}

/** CPU ms this process spends on one brotli-11 compression of `bytes`. */
function brotli11Cost(bytes: Buffer): number {
  const start = process.cpuUsage()
  brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } })
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1000
}

describe('50 simultaneous first requests for the ~300 KB bundle', () => {
  it('every answer is whole: identity or a finished variant, with its own ETag, exact length and Vary; then br', async () => {
    const site = makeSite()
    const file = fileOf(site, 'app.js')
    const cli = await startSite(site)
    const answers = await Promise.all(Array.from({ length: 50 }, () => fetchRaw(cli.port, 'GET', '/app.js', 'gzip, deflate, br')))
    const identityTag = (await fetchRaw(cli.port, 'GET', '/app.js')).header('etag') as string
    const seen = new Set<string>()
    for (const r of answers) {
      expect(r.status).toBe(200)
      const coding = r.header('content-encoding')
      seen.add(coding ?? 'identity')
      expect(coding === undefined || CODINGS.includes(coding as never), `coding ${coding}`).toBe(true)
      expect(r.header('content-length')).toBe(String(r.body.length))
      expect(decode(r.body, coding).equals(file)).toBe(true)
      expect(r.header('etag')).toBe(coding === undefined ? identityTag : variantTag(identityTag, coding as never))
      expect(varies(r)).toBe(true)
    }
    const br = await waitForCoding(cli.port, '/app.js', 'br', file)
    expect(decode(br.body, 'br').equals(file)).toBe(true)
    const after = await fetchRaw(cli.port, 'GET', '/app.js', 'gzip, deflate, br')
    expect(after.header('content-encoding')).toBe('br')
    expect(after.body.equals(br.body)).toBe(true)
    // what the 50 saw, for the log when a run looks odd
    console.log(`codings seen by the 50 first requests: ${[...seen].join(', ')}`)
  }, 90_000)

  it('costs one compression per coding: CPU of 50 first requests ≈ CPU of 1 (within ¾ of a brotli-11 job)', async () => {
    const job = brotli11Cost(fileOf(makeSite(), 'app.js'))

    // Whole-process CPU once idle again: start-up (and any warming the CLI does) is the same for both.
    const one = await startSite(makeSite())
    expect((await fetchRaw(one.port, 'GET', '/app.js', 'gzip, deflate, br')).status).toBe(200)
    await waitForCoding(one.port, '/app.js', 'br')
    const oneCost = await settledCpu(one.pid, `one request, one brotli-11 job = ${job.toFixed(0)} ms CPU`)

    const fifty = await startSite(makeSite())
    const answers = await Promise.all(Array.from({ length: 50 }, () => fetchRaw(fifty.port, 'GET', '/app.js', 'gzip, deflate, br')))
    for (const r of answers) expect(r.status).toBe(200)
    await waitForCoding(fifty.port, '/app.js', 'br')
    const fiftyCost = await settledCpu(fifty.pid, `50 first requests: more than one job per coding? (one brotli-11 job = ${job.toFixed(0)} ms CPU)`)

    const message = `brotli-11 job here: ${job.toFixed(0)} ms CPU; server CPU for 1 first request: ${oneCost.toFixed(0)} ms; for 50: ${fiftyCost.toFixed(0)} ms`
    console.log(message)
    // Sanity of the measure: the server made a brotli-11 variant, so it spent at least part of a job.
    expect(oneCost, message).toBeGreaterThan(job * 0.5)
    expect(fiftyCost - oneCost, message).toBeLessThan(job * 0.75 + 200)
  }, 120_000)

  it('one file behind two URLs (/ and /index.html) is compressed once: / costs no second brotli-11 job', async () => {
    const site = makeSite()
    // A ~300 KB page, so that one brotli-11 job shows in the CPU time.
    const page = Buffer.from(`<!doctype html>\n<title>big</title>\n<script>\n${bundleSource(300_000, 17)}</script>\n`)
    writeFileSync(join(site.root, 'index.html'), page)
    const job = brotli11Cost(page)
    const cli = await startSite(site)
    const viaFile = await waitForCoding(cli.port, '/index.html', 'br', page)
    const before = await settledCpu(cli.pid, 'after /index.html')
    const viaFolder = await waitForCoding(cli.port, '/', 'br', page)
    const cost = (await settledCpu(cli.pid, `/ after /index.html: compressed again? (one brotli-11 job = ${job.toFixed(0)} ms CPU)`)) - before
    expect(viaFolder.body.equals(viaFile.body)).toBe(true)
    expect(viaFolder.header('etag')).toBe(viaFile.header('etag'))
    const message = `brotli-11 job here: ${job.toFixed(0)} ms CPU; server CPU for / once /index.html had br: ${cost.toFixed(0)} ms`
    console.log(message)
    expect(cost, message).toBeLessThan(job * 0.5)
  }, 90_000)
})
