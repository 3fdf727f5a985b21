// Idle keep-alive connections for the idle-memory measurement: open N
// connections, send one complete GET on each, read its complete answer, and
// keep the connection open and quiet (past one request, holding none).
// lib/idleconns.c does it in C (built on first use, like headload): a Node
// client is too slow to open 10 000 connections within the 5 s our server
// keeps an idle connection on a busy 2-core machine. Without a C compiler the
// Node client below is used.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { connect } from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { run } from './proc.mjs'

const SRC = fileURLToPath(new URL('./idleconns.c', import.meta.url))
const BUILD = fileURLToPath(new URL('../.build/', import.meta.url))
export const IDLECONNS_BIN = `${BUILD}idleconns`

/**
 * Builds bench/.build/idleconns from lib/idleconns.c when missing or older.
 * @returns {Promise<string|null>} an error message, or null
 */
export async function buildIdleconns() {
  if (existsSync(IDLECONNS_BIN) && statSync(IDLECONNS_BIN).mtimeMs >= statSync(SRC).mtimeMs) return null
  mkdirSync(BUILD, { recursive: true })
  const r = await run(['cc', '-O2', '-o', IDLECONNS_BIN, SRC], { timeoutMs: 60_000 })
  return r.code === 0 ? null : `cc failed: ${(r.stderr || r.stdout).trim().slice(0, 400)}`
}

/**
 * Like {@link openIdleConnections}, with the C client (a child process that holds the connections).
 * @param {{ port: number, n: number, path?: string, concurrency?: number, timeoutMs?: number }} o
 */
export async function openIdleConnectionsC({ port, n, path = '/index.html', concurrency = 512, timeoutMs = 10_000 }) {
  const child = spawn(IDLECONNS_BIN, [String(port), path, String(n), String(concurrency), String(Math.ceil(timeoutMs / 1000))], { stdio: ['pipe', 'pipe', 'inherit'] })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const lines = createInterface({ input: child.stdout })
  const waiting = []
  lines.on('line', (line) => waiting.shift()?.(line))
  lines.on('close', () => { for (const w of waiting.splice(0)) w('') })
  const nextLine = () => new Promise((resolve) => waiting.push(resolve))
  const first = await nextLine()
  if (!first.startsWith('IDLEJSON ')) {
    child.kill('SIGKILL')
    throw new Error(`idleconns printed no result: ${JSON.stringify(first)}`)
  }
  const j = JSON.parse(first.slice('IDLEJSON '.length))
  return {
    count: j.ok + j.other,
    statuses: { 200: j.ok, ...(j.other ? { other: j.other } : {}) },
    failures: j.failed ? [`${j.failed} failed (first: ${j.firstError})`] : [],
    openMs: j.openMs,
    closedEarly: async () => {
      const line = nextLine()
      child.stdin.write('count\n')
      const m = /^CLOSED (\d+)$/.exec(await line)
      if (!m) throw new Error('idleconns did not answer count')
      return Number(m[1])
    },
    closeAll: async () => {
      child.stdin.end()
      const t = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(t)
    },
  }
}

/** The soft limit on open files of this process (Linux /proc), or Infinity when unknown. */
export function openFileLimit() {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'))
    if (m) return m[1] === 'unlimited' ? Infinity : Number(m[1])
  } catch {}
  return Infinity
}

/**
 * One connection: sends `request`, resolves with the status of the complete
 * answer (head + Content-Length bytes of body) and leaves the socket open.
 * Rejects on error, on a close before the answer is complete, or after timeoutMs.
 * @returns {Promise<{ socket: import('node:net').Socket, status: number }>}
 */
function oneRequest(port, request, timeoutMs) {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true })
    let buf = Buffer.alloc(0)
    let need = -1
    let status = 0
    let done = false
    const finish = (err) => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.removeListener('data', onData)
      if (err) {
        socket.destroy()
        reject(err)
      } else {
        resolve({ socket, status })
      }
    }
    const timer = setTimeout(() => finish(new Error(`no complete answer in ${timeoutMs} ms`)), timeoutMs)
    const onData = (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk
      if (need < 0) {
        const end = buf.indexOf('\r\n\r\n')
        if (end < 0) return
        const head = buf.subarray(0, end).toString('latin1')
        status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0)
        const len = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head)
        if (!len) return finish(new Error(`answer without Content-Length: ${head.split('\r\n')[0]}`))
        need = end + 4 + Number(len[1])
      }
      if (buf.length > need) finish(new Error(`${buf.length - need} bytes after the answer`))
      else if (buf.length === need) finish(null)
    }
    socket.on('data', onData)
    socket.once('error', (e) => finish(e))
    socket.once('close', () => finish(new Error('closed before the answer was complete')))
    socket.once('connect', () => socket.write(request))
  })
}

/**
 * Opens `n` keep-alive connections to 127.0.0.1:port, each past one complete
 * GET (at most `concurrency` being opened at a time, so the listen backlog
 * never overflows).
 * @param {{ port: number, n: number, path?: string, concurrency?: number, timeoutMs?: number }} o
 * @returns {Promise<{ count: number, statuses: Record<number, number>, failures: string[], closedEarly: () => Promise<number>, openMs: number, closeAll: () => Promise<void> }>}
 */
export async function openIdleConnections({ port, n, path = '/index.html', concurrency = 256, timeoutMs = 10_000 }) {
  const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: tinyhttp-idle-memory\r\n\r\n`, 'latin1')
  const sockets = []
  const statuses = {}
  const failures = []
  let closed = 0
  let next = 0
  const t0 = Date.now()
  const worker = async () => {
    while (next < n) {
      next++
      try {
        const { socket, status } = await oneRequest(port, request, timeoutMs)
        statuses[status] = (statuses[status] ?? 0) + 1
        socket.on('error', () => {})
        socket.once('close', () => closed++)
        sockets.push(socket)
      } catch (e) {
        failures.push(e.message)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker))
  return {
    count: sockets.length,
    statuses,
    failures,
    openMs: Date.now() - t0,
    closedEarly: async () => closed,
    closeAll: () =>
      Promise.all(
        sockets.map((s) =>
          s.destroyed ? null : new Promise((resolve) => {
            s.once('close', resolve)
            s.destroy()
          }),
        ),
      ).then(() => undefined),
  }
}

/**
 * One GET on a fresh connection, closed afterwards: is the server still answering?
 * @returns {Promise<number>} the status, 0 on failure
 */
export async function probe(port, path = '/index.html', timeoutMs = 5000) {
  try {
    const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`, 'latin1')
    const { socket, status } = await oneRequest(port, request, timeoutMs)
    socket.destroy()
    return status
  } catch {
    return 0
  }
}
