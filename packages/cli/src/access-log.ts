import type { Context, Middleware } from 'tinyhttp-core'
import type { LineWriter, Painter } from './output.js'

/** Options of {@link accessLog}. */
export interface AccessLogOptions {
  /**
   * `text`: the Combined Log Format plus the duration and a trailing `aborted` for a cut response,
   * `127.0.0.1 - - [02/Dec/2026:07:10:00 +0000] "GET /index.html HTTP/1.1" 200 2231 "-" "curl/8.5.0" 0.4ms`;
   * `json`: one object per line.
   */
  format: 'text' | 'json'
  /** Where lines go (batched). */
  writer: LineWriter
  /** Colours the status in text lines (terminals only). */
  paint?: Painter
  /** Adds `pid` to JSON lines (set in cluster workers). */
  pid?: number
}

/**
 * Text for a quoted field of a text line (`"…"`): printable ASCII and space stay, `"`, `\` and
 * everything else become `\xNN` (`\u{…}` above U+00FF), like nginx, so no request can forge a line.
 */
function quoted(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x20-\x21\x23-\x5b\x5d-\x7e]/.test(text)) return text
  let out = ''
  for (const ch of text) {
    const c = ch.codePointAt(0) as number
    out += c >= 0x20 && c <= 0x7e && ch !== '"' && ch !== '\\' ? ch : c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u{${c.toString(16)}}`
  }
  return out
}

function statusStyle(status: number): 'green' | 'cyan' | 'yellow' | 'red' {
  return status >= 500 ? 'red' : status >= 400 ? 'yellow' : status >= 300 ? 'cyan' : 'green'
}

/** `0.4` for 0.4321 ms: one decimal, without `toFixed` (3× slower on the hot path). */
function oneDecimal(ms: number): string {
  const tenths = Math.round(ms * 10)
  return `${Math.trunc(tenths / 10)}.${tenths % 10}`
}

/** A JSON string literal; plain printable ASCII without `"` or `\` needs no escaping. */
function jsonString(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /["\\\x00-\x1f\x7f-\uffff]/.test(text) ? JSON.stringify(text) : `"${text}"`
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n))

/** A clock that formats the current time at most once per millisecond (ISO) or second (CLF). */
class LogClock {
  #isoMs = -1
  #iso = ''
  #clfSecond = -1
  #clf = ''

  /** `2026-12-02T07:10:00.123Z` */
  iso(now: number): string {
    if (now !== this.#isoMs) {
      this.#isoMs = now
      this.#iso = new Date(now).toISOString()
    }
    return this.#iso
  }

  /** `02/Dec/2026:07:10:00 +0000` (always UTC) */
  clf(now: number): string {
    const second = Math.floor(now / 1000)
    if (second !== this.#clfSecond) {
      this.#clfSecond = second
      const d = new Date(now)
      this.#clf =
        `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
        `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`
    }
    return this.#clf
  }
}

/**
 * The access log: the outermost middleware. It asks the core to be told when the response has left
 * ({@link Response.onEnd}) and then queues one line with the client address (and, in JSON, its port), the time, method, raw path
 * (never the query: it often carries tokens), HTTP version, status, the body bytes really handed to the
 * socket, referer, user agent, the duration from the start of the chain to the last byte (or the cut),
 * and whether the response was cut (`aborted`); JSON lines add `reason` (`ctx.res.reason`). Lines are
 * batched by a {@link LineWriter}; install it only when not quiet, so a quiet server pays nothing.
 *
 * @param options - format and writer
 * @returns the middleware
 * @example
 * ```ts
 * app.use(accessLog({ format: 'json', writer: new LineWriter(process.stdout) }))
 * // {"time":"2026-12-02T07:10:00.000Z","remote":"127.0.0.1","remotePort":51234,"method":"GET","path":"/index.html","http":"1.1","status":200,"bytes":2231,"ms":0.412,"reason":"static:hit","referer":null,"userAgent":"curl/8.5.0","aborted":false}
 * ```
 */
export function accessLog(options: AccessLogOptions): Middleware {
  const { writer, format, pid } = options
  const paint = options.paint
  const clock = new LogClock()
  const text = (ctx: Context, bytes: number, aborted: boolean, ms: number): string => {
    const req = ctx.req
    const status = ctx.res.status
    const code = paint === undefined ? String(status) : paint(statusStyle(status), String(status))
    const referer = req.headers.get('referer')
    const ua = req.headers.get('user-agent')
    return (
      `${req.remoteAddress ?? '-'} - - [${clock.clf(Date.now())}] "${req.method} ${quoted(req.rawPath)} HTTP/${req.httpVersion}" ${code} ${bytes} ` +
      `"${referer === undefined ? '-' : quoted(referer)}" "${ua === undefined ? '-' : quoted(ua)}" ${oneDecimal(ms)}ms${aborted ? ' aborted' : ''}`
    )
  }
  // Built by hand: JSON.stringify per request costs more than the rest of the line.
  const reasons = new Map<string, string>()
  const reasonJson = (reason: string | undefined): string => {
    if (reason === undefined) return 'null'
    let literal = reasons.get(reason)
    if (literal === undefined) {
      literal = JSON.stringify(reason)
      if (reasons.size < 1024) reasons.set(reason, literal)
    }
    return literal
  }
  const optional = (value: string | undefined): string => (value === undefined ? 'null' : jsonString(value))
  const pidField = pid !== undefined ? `,"pid":${pid}` : ''
  const json = (ctx: Context, bytes: number, aborted: boolean, ms: number): string => {
    const req = ctx.req
    const remote = req.remoteAddress
    return (
      `{"time":"${clock.iso(Date.now())}"${pidField},"remote":${optional(remote)},"remotePort":${req.remotePort ?? 'null'},"method":${jsonString(req.method)},"path":${jsonString(req.rawPath)},` +
      `"http":"${req.httpVersion}","status":${ctx.res.status},"bytes":${bytes},"ms":${Math.round(ms * 1000) / 1000},"reason":${reasonJson(ctx.res.reason)},` +
      `"referer":${optional(req.headers.get('referer'))},"userAgent":${optional(req.headers.get('user-agent'))},"aborted":${aborted}}`
    )
  }
  const line = format === 'json' ? json : text
  return function accessLog(ctx, next) {
    const start = performance.now()
    // Read now: once a client has gone, its socket no longer knows its address.
    void ctx.req.remoteAddress
    ctx.res.onEnd((bytes, aborted) => writer.line(line(ctx, bytes, aborted, performance.now() - start)))
    return next()
  }
}
