// A bounded HTTP/1.1 load client on node:net for the load-balancer tests: a fixed number of keep-alive
// connections, each sending one GET at a time (no pipelining) with a short pause between requests, every
// answer checked (status 200 and the exact bytes of the file), every failure counted by kind.
//
// One retry, the one every browser and curl makes: a request sent on a reused keep-alive connection that
// the other side closed before a single byte of the answer arrived is sent again once on a new connection
// (RFC 9112 §9.3.1: the client cannot tell whether the server saw it; a GET is idempotent). Such retries
// are counted apart (`retried`); a retry that fails too is lost. Anything else that is not a 200 with the
// right body (a reset mid-answer, a 502/503 from the balancer, a timeout, a wrong body) is lost.
import { connect, type Socket } from 'node:net'

/** What one load run saw. */
export interface LoadReport {
  /** Requests that got a 200 with the exact expected body. */
  ok: number
  /** Requests that did not, after the one allowed retry. */
  lost: number
  /** Requests sent again after a reused connection closed before any byte of the answer. */
  retried: number
  /** Answers by status code (retries and failures included). */
  byStatus: Record<string, number>
  /** Lost requests by reason (`status 503`, `ECONNRESET`, `closed mid-answer`, `timeout`, `wrong body`). */
  lostBy: Record<string, number>
  /** The local (ephemeral) ports of every connection the client opened. */
  localPorts: Set<number>
  /** Connections opened. */
  connections: number
  /** Wall-clock milliseconds from start to stop. */
  ms: number
  /** The first 50 lost requests: when they were sent (ms after the start) and why they were lost. */
  failures: Array<{ sentAtMs: number; reason: string; path: string }>
}

/** Options of {@link startLoad}. */
export interface LoadOptions {
  port: number
  host?: string
  /** Paths to request in turn, with the bytes each must answer. */
  files: ReadonlyMap<string, Buffer>
  /** Concurrent keep-alive connections. @defaultValue 6 */
  connections?: number
  /** Pause after each answer, per connection (ms). @defaultValue 5 */
  pauseMs?: number
  /** Per-request deadline (ms). @defaultValue 5000 */
  timeoutMs?: number
}

/** A running load: `stop()` lets every connection finish its request in flight and reports. */
export interface Load {
  stop(): Promise<LoadReport>
  /** The numbers so far (a live copy). */
  snapshot(): LoadReport
}

type Outcome = { kind: 'ok' } | { kind: 'status'; status: number } | { kind: 'fail'; reason: string; bytes: number; reused: boolean } | { kind: 'bad-body' }

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** One keep-alive connection: sends a request, reads exactly one Content-Length response. */
class KeepAliveConnection {
  socket: Socket | undefined
  answered = 0
  constructor(
    private readonly options: Required<Pick<LoadOptions, 'port' | 'host' | 'timeoutMs'>>,
    private readonly report: LoadReport,
  ) {}

  async request(path: string, expected: Buffer): Promise<Outcome> {
    // A connection the other side closed while it was idle is discarded before use, as a client's
    // connection pool does (its 'close' came between requests): that is not a failed request.
    if (this.socket !== undefined && (this.socket.destroyed || this.socket.readyState !== 'open')) this.drop()
    const reused = this.socket !== undefined
    const socket = this.socket ?? (await this.open())
    if (socket === undefined) return { kind: 'fail', reason: 'ECONNREFUSED', bytes: 0, reused: false }
    return new Promise<Outcome>(resolve => {
      let buf: Buffer = Buffer.alloc(0)
      let done = false
      const finish = (outcome: Outcome, keep: boolean): void => {
        if (done) return
        done = true
        clearTimeout(timer)
        socket.off('data', onData)
        socket.off('close', onClose)
        socket.off('error', onError)
        if (!keep) this.drop()
        resolve(outcome)
      }
      const timer = setTimeout(() => finish({ kind: 'fail', reason: 'timeout', bytes: buf.length, reused }, false), this.options.timeoutMs)
      const onError = (err: NodeJS.ErrnoException): void => finish({ kind: 'fail', reason: err.code ?? err.message, bytes: buf.length, reused }, false)
      const onClose = (): void => finish({ kind: 'fail', reason: buf.length === 0 ? 'closed before answer' : 'closed mid-answer', bytes: buf.length, reused }, false)
      const onData = (chunk: Buffer): void => {
        buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk])
        const end = buf.indexOf('\r\n\r\n')
        if (end < 0) return
        const head = buf.subarray(0, end).toString('latin1')
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1])
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 'NaN')
        if (!Number.isInteger(length)) return finish({ kind: 'fail', reason: 'no content-length', bytes: buf.length, reused }, false)
        if (buf.length < end + 4 + length) return
        const body = buf.subarray(end + 4, end + 4 + length)
        const close = /\r\nconnection:\s*close/i.test(head) || buf.length > end + 4 + length
        this.answered++
        this.report.byStatus[status] = (this.report.byStatus[status] ?? 0) + 1
        if (status !== 200) return finish({ kind: 'status', status }, !close)
        finish(body.equals(expected) ? { kind: 'ok' } : { kind: 'bad-body' }, !close)
      }
      socket.on('data', onData)
      socket.on('close', onClose)
      socket.on('error', onError)
      socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: tinyhttp-deploy-load\r\n\r\n`)
    })
  }

  private open(): Promise<Socket | undefined> {
    return new Promise(resolve => {
      const socket = connect({ port: this.options.port, host: this.options.host, noDelay: true })
      const fail = (): void => {
        socket.destroy()
        resolve(undefined)
      }
      socket.once('error', fail)
      socket.once('connect', () => {
        socket.off('error', fail)
        socket.on('error', () => {}) // reported by request()
        socket.once('close', () => {
          if (this.socket === socket) this.socket = undefined
        })
        this.report.connections++
        if (socket.localPort !== undefined) this.report.localPorts.add(socket.localPort)
        this.socket = socket
        this.answered = 0
        resolve(socket)
      })
    })
  }

  drop(): void {
    this.socket?.destroy()
    this.socket = undefined
  }
}

/**
 * Starts the load at once.
 *
 * @example
 * ```ts
 * const load = startLoad({ port, files: new Map([['/index.html', bytes]]) })
 * await sleep(20_000)
 * const report = await load.stop() // report.lost === 0
 * ```
 */
export function startLoad(options: LoadOptions): Load {
  const report: LoadReport = { ok: 0, lost: 0, retried: 0, byStatus: {}, lostBy: {}, localPorts: new Set(), connections: 0, ms: 0, failures: [] }
  const resolved = { port: options.port, host: options.host ?? '127.0.0.1', timeoutMs: options.timeoutMs ?? 5000 }
  const paths = [...options.files.keys()]
  const pauseMs = options.pauseMs ?? 5
  const started = Date.now()
  let running = true
  const lose = (reason: string, path: string, sentAt: number): void => {
    report.lost++
    report.lostBy[reason] = (report.lostBy[reason] ?? 0) + 1
    if (report.failures.length < 50) report.failures.push({ sentAtMs: sentAt - started, reason, path })
  }

  const loop = async (index: number): Promise<void> => {
    const connection = new KeepAliveConnection(resolved, report)
    let n = index
    while (running) {
      const path = paths[n++ % paths.length] as string
      const expected = options.files.get(path) as Buffer
      const sentAt = Date.now()
      let outcome = await connection.request(path, expected)
      if (outcome.kind === 'fail' && outcome.reused && outcome.bytes === 0 && outcome.reason !== 'timeout') {
        report.retried++
        outcome = await connection.request(path, expected)
      }
      if (outcome.kind === 'ok') report.ok++
      else if (outcome.kind === 'status') lose(`status ${outcome.status}`, path, sentAt)
      else if (outcome.kind === 'bad-body') lose('wrong body', path, sentAt)
      else lose(outcome.reason, path, sentAt)
      if (outcome.kind === 'fail' && outcome.reason === 'ECONNREFUSED') await sleep(50)
      else await sleep(pauseMs)
    }
    connection.drop()
  }
  const loops = Array.from({ length: options.connections ?? 6 }, (_, i) => loop(i))

  const copy = (): LoadReport => ({ ...report, byStatus: { ...report.byStatus }, lostBy: { ...report.lostBy }, localPorts: new Set(report.localPorts), failures: [...report.failures], ms: Date.now() - started })
  return {
    snapshot: copy,
    async stop() {
      running = false
      await Promise.all(loops)
      return copy()
    },
  }
}

/** One line for the test log: `ok 12345, lost 0, retried 0, 6 connections, 20.4 s, 200×12345`. */
export function describeLoad(r: LoadReport): string {
  const statuses = Object.entries(r.byStatus)
    .map(([s, n]) => `${s}×${n}`)
    .join(' ')
  const lost = Object.entries(r.lostBy)
    .map(([s, n]) => `${s}×${n}`)
    .join(', ')
  return `ok ${r.ok}, lost ${r.lost}${lost ? ` (${lost})` : ''}, retried ${r.retried}, ${r.connections} connections, ${(r.ms / 1000).toFixed(1)} s, ${statuses}`
}
