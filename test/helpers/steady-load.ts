import { RawClient } from './raw-client.js'

/** What a {@link steadyLoad} run saw. */
export interface LoadCounts {
  /** Answers with the expected status and body. */
  ok: number
  /** Answers that said `Connection: close` (the client then opened a new connection). */
  closeAnswers: number
  /**
   * Requests sent on a reused keep-alive connection that the server closed before sending a byte of the
   * answer: retried on a new connection, as RFC 9112 §9.3.1 lets a client do for an idempotent request
   * (and as browsers and balancers do). Not a loss.
   */
  retried: number
  /** Connections refused (ECONNREFUSED): nothing listens any more. Not a loss of an accepted request. */
  refused: number
  /**
   * New connections reset (ECONNRESET) before a byte of the answer: the kernel had completed the
   * handshake into the listener's backlog, and the listener closed before the process accepted it (the
   * request never reached the server: a balancer retries it as a connection failure). Counted apart
   * from `lost` so that a test can bound it: at most one per loop, at the moment the listener closes.
   */
  reset: number
  /** Lost: a wrong answer, a cut answer, no answer on a new connection, a timeout. Each with a reason. */
  lost: string[]
}

/**
 * A bounded client load: `concurrency` loops, each sending `GET path` on keep-alive connections one
 * request at a time until `stop()` says so (or `maxRequests` are sent), checking every answer's status
 * and body. A loop whose connection is refused stops when `stopOnRefused` (the server is gone), else
 * waits 20 ms and tries again.
 *
 * @returns `done` (the counts once every loop ended) and `counts` (live)
 */
export function steadyLoad(options: {
  port: number
  path: string
  expected: Buffer
  concurrency: number
  stop: () => boolean
  maxRequests?: number
  stopOnRefused?: boolean
}): { counts: LoadCounts; done: Promise<LoadCounts> } {
  const counts: LoadCounts = { ok: 0, closeAnswers: 0, retried: 0, refused: 0, reset: 0, lost: [] }
  const max = options.maxRequests ?? 1_000_000
  let sent = 0
  const request = `GET ${options.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`
  const loop = async (): Promise<void> => {
    let conn: RawClient | null = null
    let reused = false
    let error: string | undefined
    while (!options.stop() && sent < max) {
      if (conn === null || conn.ended) {
        conn?.close()
        conn = null
        try {
          conn = await RawClient.connect(options.port)
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code
          if (code === 'ECONNREFUSED') {
            counts.refused++
            if (options.stopOnRefused === true) return
          } else if (code === 'ECONNRESET') {
            // The same backlog reset as below, seen before Node reported the connection as made (a busy
            // event loop): nothing was written, so no request was lost.
            counts.reset++
          } else counts.lost.push(`connect: ${code ?? String(err)}`)
          await new Promise(resolve => setTimeout(resolve, 20))
          continue
        }
        reused = false
        error = undefined
        conn.socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code))
      }
      sent++
      const c: RawClient = conn
      c.write(request)
      try {
        const r = await c.readResponse({ timeoutMs: 10_000 })
        if (r.status === 200 && r.body.equals(options.expected)) counts.ok++
        else counts.lost.push(`status ${r.status}, ${r.body.length} bytes`)
        reused = true
        if (r.headers.get('connection')?.[0]?.toLowerCase() === 'close') {
          counts.closeAnswers++
          c.close()
          conn = null
        }
      } catch (err) {
        const nothing = c.pending.length === 0 && c.ended
        if (reused && nothing) counts.retried++
        else if (!reused && nothing && error === 'ECONNRESET') counts.reset++
        else counts.lost.push((err as Error).message.slice(0, 120))
        c.close()
        conn = null
      }
    }
    conn?.close()
  }
  const loops = Array.from({ length: options.concurrency }, loop)
  return { counts, done: Promise.all(loops).then(() => counts) }
}
