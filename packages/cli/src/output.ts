/** What the CLI writes to: `process.stdout`/`process.stderr`, or a fake in tests. */
export interface OutputStream {
  /** Writes text; the return value is ignored. */
  write(text: string): unknown
  /** Whether it is a terminal (colours and the boxed banner are only used then). */
  isTTY?: boolean
}

/** The streams and environment the CLI runs with. */
export interface CliIo {
  /** Where the banner, the access log and `--check` go. */
  stdout: OutputStream
  /** Where errors and warnings go (`tinyhttp-cli: <message>`). */
  stderr: OutputStream
  /** Environment variables (`PORT`, `NO_COLOR`). */
  env: Readonly<Record<string, string | undefined>>
  /** Working directory relative paths are resolved against. */
  cwd: string
}

let epipeGuarded = false

/**
 * The real process streams and environment.
 *
 * @returns an {@link CliIo} over `process`
 */
export function processIo(): CliIo {
  // A reader that went away (`tinyhttp-cli | head -1`) must not crash the server.
  if (!epipeGuarded) {
    epipeGuarded = true
    process.stdout.on('error', () => {})
  }
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }
}

/** ANSI styles used by the CLI. */
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan'

const CODES: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
}

/**
 * Whether to colour a stream: only a terminal, and never when `NO_COLOR` is set to anything non-empty
 * (https://no-color.org).
 *
 * @param stream - the stream
 * @param env - the environment
 * @returns whether ANSI colours may be written
 */
export function useColor(stream: OutputStream, env: CliIo['env']): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  return stream.isTTY === true
}

/** Paints text with ANSI styles, or returns it as is. */
export type Painter = (style: Style, text: string) => string

/**
 * Returns a painter that colours only when `enabled`.
 *
 * @param enabled - from {@link useColor}
 * @returns the painter
 * @example
 * ```ts
 * const paint = painter(useColor(process.stdout, process.env))
 * console.log(paint('green', 'ok'))
 * ```
 */
export function painter(enabled: boolean): Painter {
  if (!enabled) return (_style, text) => text
  return (style, text) => {
    const [open, close] = CODES[style]
    return `\u001b[${open}m${text}\u001b[${close}m`
  }
}

/**
 * Writes `tinyhttp-cli: <message>` on one line to stderr.
 *
 * @param io - the streams
 * @param message - one line
 */
export function printError(io: CliIo, message: string): void {
  const paint = painter(useColor(io.stderr, io.env))
  io.stderr.write(`${paint('red', 'tinyhttp-cli:')} ${message.replace(/[\r\n]+/g, ' ')}\n`)
}

/**
 * Writes `tinyhttp-cli: warning: <message>` to stderr.
 *
 * @param io - the streams
 * @param message - one line
 */
export function printWarning(io: CliIo, message: string): void {
  const paint = painter(useColor(io.stderr, io.env))
  io.stderr.write(`${paint('yellow', 'tinyhttp-cli: warning:')} ${message.replace(/[\r\n]+/g, ' ')}\n`)
}

/** Largest write that a pipe keeps in one piece (POSIX `PIPE_BUF`), for processes sharing stdout. */
const ATOMIC_WRITE = 4096

/**
 * Batches lines and writes them in one call per event-loop turn (on `setImmediate`), so logging costs
 * one write per burst of requests instead of one per request.
 *
 * @example
 * ```ts
 * const out = new LineWriter(process.stdout)
 * out.line('GET / 200 12 0.3ms')
 * out.flush() // before exiting
 * ```
 */
export class LineWriter {
  readonly #stream: OutputStream
  readonly #atomic: boolean
  #lines: string[] = []
  #scheduled: NodeJS.Immediate | null = null

  /**
   * @param stream - where to write
   * @param atomicLines - split writes at line boundaries into pieces of at most 4096 bytes, so that
   *   processes sharing the same pipe (cluster workers) never interleave within a line
   */
  constructor(stream: OutputStream, atomicLines = false) {
    this.#stream = stream
    this.#atomic = atomicLines
  }

  /**
   * Queues one line (without its newline).
   *
   * @param text - the line
   */
  line(text: string): void {
    this.#lines.push(text)
    this.#scheduled ??= setImmediate(() => this.flush())
  }

  /** Writes everything queued now. */
  flush(): void {
    if (this.#scheduled !== null) {
      clearImmediate(this.#scheduled)
      this.#scheduled = null
    }
    if (this.#lines.length === 0) return
    const lines = this.#lines
    this.#lines = []
    if (!this.#atomic) {
      this.#stream.write(lines.join('\n') + '\n')
      return
    }
    let chunk = ''
    for (const l of lines) {
      const piece = l + '\n'
      if (chunk.length > 0 && Buffer.byteLength(chunk) + Buffer.byteLength(piece) > ATOMIC_WRITE) {
        this.#stream.write(chunk)
        chunk = ''
      }
      chunk += piece
    }
    if (chunk.length > 0) this.#stream.write(chunk)
  }
}
