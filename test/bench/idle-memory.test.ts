// Idle keep-alive connections and the CLI's memory (issue 10 §4): open N connections that each send one
// complete GET and read the whole answer, so every connection is past one request and holds none, and
// print the CLI's RSS growth ÷ N. The figure is printed, not asserted (it belongs in the benchmark:
// `node bench/idle-memory.mjs`); what is asserted is that the measurement is real: every connection got
// the exact 200, none was closed before the reading, both readings are real RSS values, and the server
// still answers afterwards.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliBuilt, spawnCli, type CliProcess } from '../helpers/cli-process.js'

const HAS_PROC = (() => {
  try {
    readFileSync('/proc/self/status', 'latin1')
    return true
  } catch {
    return false
  }
})()

/** Soft limit on open files (both this process and the CLI, which inherits it, hold one fd per connection). */
function openFileLimit(): number {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'))
  return !m || m[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m[1])
}

/** At most 2 000 connections, fewer when `ulimit -n` is low (room kept for vitest's own files). */
const N = Math.max(100, Math.min(2000, HAS_PROC ? openFileLimit() - 300 : 0))

/** VmRSS of a process in KB. */
function rssKB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))
  if (!m) throw new Error(`no VmRSS for pid ${pid}`)
  return Number(m[1])
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

interface Answer {
  socket: Socket
  status: number
  body: Buffer
}

/** Connects, sends one GET, resolves with the complete answer (head + Content-Length bytes) and the socket still open. */
function getKeepOpen(port: number, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' })
    let buf = Buffer.alloc(0)
    let bodyStart = -1
    let need = -1
    let status = 0
    let settled = false
    const finish = (err: Error | null): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.removeListener('data', onData)
      if (err) {
        socket.destroy()
        reject(err)
      } else resolve({ socket, status, body: buf.subarray(bodyStart) })
    }
    const timer = setTimeout(() => finish(new Error('no complete answer in 10 s')), 10_000)
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk])
      if (need < 0) {
        const end = buf.indexOf('\r\n\r\n')
        if (end < 0) return
        const head = buf.subarray(0, end).toString('latin1')
        status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1] ?? 0)
        const length = /\r\ncontent-length: *(\d+)/i.exec(head)
        if (!length) return finish(new Error(`no Content-Length in ${JSON.stringify(head)}`))
        bodyStart = end + 4
        need = bodyStart + Number(length[1])
      }
      if (buf.length > need) finish(new Error(`${buf.length - need} bytes after the answer`))
      else if (buf.length === need) finish(null)
    }
    socket.on('data', onData)
    socket.once('error', finish)
    socket.once('close', () => finish(new Error('closed before the answer was complete')))
    socket.once('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`))
  })
}

/** Opens n connections, at most `concurrency` being opened at a time (the listen backlog never overflows). */
async function openIdle(port: number, n: number, concurrency = 128): Promise<{ answers: Answer[]; errors: string[]; closed: () => number }> {
  const answers: Answer[] = []
  const errors: string[] = []
  let closed = 0
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < n) {
      next++
      try {
        const answer = await getKeepOpen(port, '/index.html')
        answer.socket.once('close', () => closed++)
        answers.push(answer)
      } catch (e) {
        errors.push((e as Error).message)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker))
  return { answers, errors, closed: () => closed }
}

function destroyAll(answers: Answer[]): Promise<void> {
  return Promise.all(
    answers.map(a => (a.socket.destroyed ? undefined : new Promise<void>(resolve => {
      a.socket.once('close', () => resolve())
      a.socket.destroy()
    }))),
  ).then(() => undefined)
}

describe.skipIf(!cliBuilt() || !HAS_PROC)('idle keep-alive connections: CLI memory (printed, measured by bench/idle-memory.mjs)', () => {
  let dir: string
  let page: Buffer
  let cli: CliProcess
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tinyhttp-idle-'))
    page = Buffer.from(`<!doctype html><title>idle</title>\n${'<p>an idle connection holds no request</p>\n'.repeat(45)}`)
    writeFileSync(join(dir, 'index.html'), page)
    cli = await spawnCli([dir, '--port', '0', '--quiet'], { env: { NODE_ENV: 'production' } })
  })
  afterAll(async () => {
    await cli?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('N connections past one GET each: RSS growth ÷ N is printed; every one got its exact 200 and stays open', async () => {
    const pid = cli.child.pid!
    // Warm the path a connection takes (accept, parse, answer, keep) before the first reading, and time it:
    // the CLI closes a connection idle for 5 s, so N is chosen to be opened in about 2.5 s on this machine
    // (2 000 on an idle 2-core machine, fewer on a busy one), and halved if the server still closed any.
    const w0 = Date.now()
    const warm = await openIdle(cli.port, 200, 128)
    const msPerConn = (Date.now() - w0) / 200
    expect(warm.errors).toEqual([])
    expect(warm.answers.filter(a => a.status === 200 && a.body.equals(page)).length).toBe(200)
    await destroyAll(warm.answers)
    let n = Math.max(200, Math.min(N, Math.floor(2500 / msPerConn)))
    for (let attempt = 1; ; attempt++) {
      await sleep(300)
      const before = rssKB(pid)
      const t0 = Date.now()
      const { answers, errors, closed } = await openIdle(cli.port, n)
      const openMs = Date.now() - t0
      const after = rssKB(pid)
      const closedBeforeReading = closed()
      // the measurement is real: n exact 200s on n connections
      expect(errors).toEqual([])
      expect(answers.filter(a => a.status === 200 && a.body.equals(page)).length).toBe(n)
      expect(before).toBeGreaterThan(1024)
      expect(after).toBeGreaterThan(1024)
      if (closedBeforeReading > 0 && attempt < 3) {
        console.log(`idle keep-alive connections: ${closedBeforeReading} of ${n} closed by the server before the reading (opening took ${openMs} ms, busy machine): again with ${n >> 1}`)
        await destroyAll(answers)
        n >>= 1
        continue
      }
      // all still open at the reading (else the figure would not be per idle connection)
      expect(closedBeforeReading).toBe(0)
      const perConn = (after - before) / n
      expect(Number.isFinite(perConn)).toBe(true)
      console.log(
        `idle keep-alive connections: ${n} opened in ${openMs} ms; CLI RSS ${(before / 1024).toFixed(1)} → ${(after / 1024).toFixed(1)} MB = ` +
          `${perConn.toFixed(2)} KB per idle connection (issue 10 target ≤ 4 KB at 10 000; benchmark: node bench/idle-memory.mjs)`,
      )

      // and the server still answers, on a new connection and on one of the idle ones
      const fresh = await getKeepOpen(cli.port, '/index.html')
      expect([fresh.status, fresh.body.equals(page)]).toEqual([200, true])
      fresh.socket.destroy()
      const idle = answers[answers.length - 1]!
      const again = await new Promise<Buffer>((resolve, reject) => {
        setTimeout(() => reject(new Error('no answer on an idle connection in 5 s')), 5000).unref()
        idle.socket.once('close', () => reject(new Error('the idle connection was closed')))
        let got = Buffer.alloc(0)
        idle.socket.on('data', (d: Buffer) => {
          got = Buffer.concat([got, d])
          if (got.length >= page.length && got.subarray(got.length - page.length).equals(page)) resolve(got)
        })
        idle.socket.once('error', reject)
        idle.socket.write(`GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:${cli.port}\r\n\r\n`)
      })
      expect(again.subarray(0, 15).toString('latin1')).toBe('HTTP/1.1 200 OK')
      await destroyAll(answers)
      return
    }
  }, 30_000)
})
