import { ReceivedHeaders } from './received-headers.js'

/** Why a {@link ResponseReader} stopped. */
export type ResponseParseErrorCode =
  /** Not `HTTP/1.x SP 3DIGIT [SP reason]` (RFC 9112 §4), or a status below 100. */
  | 'INVALID_STATUS_LINE'
  /** A field line that is not `token ":" OWS value OWS` with a valid value (obs-fold included). */
  | 'INVALID_FIELD'
  /** The status line and fields (or the trailer section) exceed `maxHeadSize`. */
  | 'HEAD_TOO_LARGE'
  /** A Content-Length that is not digits, or field lines that disagree. */
  | 'INVALID_CONTENT_LENGTH'
  /** Both Transfer-Encoding and Content-Length, or `chunked` that is not the final coding (RFC 9112 §6.3). */
  | 'INVALID_FRAMING'
  /** A chunk-size line that is not hex (with optional extensions), or chunk data not followed by CRLF. */
  | 'INVALID_CHUNK'
  /** The input ended inside a response. */
  | 'INCOMPLETE_RESPONSE'

/**
 * A response a {@link ResponseReader} could not read: what was wrong and where.
 *
 * @example
 * ```ts
 * const reader = new ResponseReader()
 * reader.push(Buffer.from('HTTP/1.1 200 OK\r\nBad Field\r\n\r\n'))
 * reader.error?.code // 'INVALID_FIELD'
 * reader.error?.offset // 17: where the field line starts
 * ```
 */
export class ResponseParseError extends Error {
  /** What was wrong. */
  readonly code: ResponseParseErrorCode
  /** Offset, from the first byte ever pushed, of the line or byte at fault (the input length for `INCOMPLETE_RESPONSE`). */
  readonly offset: number

  /**
   * @param code - what was wrong
   * @param offset - where
   */
  constructor(code: ResponseParseErrorCode, offset: number) {
    super(`malformed response: ${code} at byte ${offset}`)
    this.name = 'ResponseParseError'
    this.code = code
    this.offset = offset
  }
}

/** The status line and fields of a response. */
export interface ResponseHead {
  /** The status code. */
  status: number
  /** The reason phrase exactly as sent (`''` when none). */
  statusText: string
  /** `'1.1'` or `'1.0'`, from the status line. */
  httpVersion: string
  /** The header fields in the order received. */
  headers: ReceivedHeaders
  /** The bytes of this head (for an interim response: the whole interim response). */
  raw: Buffer
}

/** How the end of a response body was found (RFC 9112 §6.3). */
export type ResponseFraming =
  /** No body: an answer to HEAD, a 204 or a 304. */
  | 'none'
  /** Content-Length. */
  | 'length'
  /** Transfer-Encoding: chunked. */
  | 'chunked'
  /** Neither: the body runs until the server closes the connection. */
  | 'close'
  /** 101 Switching Protocols: what follows is another protocol, not read. */
  | 'upgrade'

/** One complete response. */
export interface ReadResponse extends ResponseHead {
  /** The content: de-chunked, exactly the bytes the body carried; empty when it has none. */
  body: Buffer
  /** Trailer fields of a chunked body (empty otherwise). */
  trailers: ReceivedHeaders
  /** How the body was delimited. */
  framing: ResponseFraming
  /** Interim (1xx, e.g. `100 Continue`) responses that came before this one, in order. */
  interim: ResponseHead[]
  /** Every byte of this response, its interim responses included. */
  raw: Buffer
}

/** Options of {@link ResponseReader}. */
export interface ResponseReaderOptions {
  /**
   * The methods of the requests being answered, in order: an answer to `HEAD` has no body whatever its
   * fields say. Responses past the end of the list are read as answers to `GET`.
   * @defaultValue `[]`
   */
  methods?: readonly string[]
  /** Largest status line + header section (and trailer section) in bytes. @defaultValue 65536 */
  maxHeadSize?: number
}

const S_HEAD = 0
const S_LENGTH = 1
const S_CHUNK_SIZE = 2
const S_CHUNK_DATA = 3
const S_CHUNK_CRLF = 4
const S_TRAILERS = 5
const S_CLOSE = 6
const S_UPGRADED = 7
const S_FAILED = 8

const CRLF = Buffer.from('\r\n')
const CRLFCRLF = Buffer.from('\r\n\r\n')
/** Longest chunk-size line, extensions included. */
const MAX_CHUNK_LINE = 4096
const STATUS_LINE = /^HTTP\/1\.(\d) (\d{3})(?: ([\t\x20-\x7e\x80-\xff]*))?$/
const FIELD_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[\t ]*([\t\x20-\x7e\x80-\xff]*?)[\t ]*$/
const CHUNK_LINE = /^([0-9A-Fa-f]{1,12})[\t ]*(?:;[\t\x20-\x7e\x80-\xff]*)?$/

/**
 * An incremental HTTP/1.1 response parser: bytes in (split anywhere), complete responses out, no I/O.
 * It reads what a server wrote — status line, fields, a body delimited by Content-Length, chunked
 * coding or the end of the input, none for HEAD/1xx/204/304 — and stops at the first malformed byte
 * with a {@link ResponseParseError} (it never throws). Interim `1xx` responses are attached to the
 * final response that follows them; after a `101` it stops reading.
 *
 * @example
 * ```ts
 * const reader = new ResponseReader({ methods: ['GET', 'HEAD'] })
 * reader.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n'))
 * reader.end()
 * reader.responses.map(r => r.body.toString()) // ['hi', '']
 * reader.error // null
 * ```
 */
export class ResponseReader {
  /** Complete responses, in order. */
  readonly responses: ReadResponse[] = []
  readonly #methods: readonly string[]
  readonly #maxHeadSize: number
  #error: ResponseParseError | null = null
  #state = S_HEAD
  /** Unconsumed input; `#data[#pos..#len)` is not parsed yet. */
  #data: Buffer = Buffer.alloc(0)
  #len = 0
  #pos = 0
  /** Offset of `#data[0]` in the whole input. */
  #base = 0
  /** Where the search for the end of the current head or line resumes. */
  #scan = 0
  #remaining = 0
  #trailerBytes = 0
  #head: ResponseHead | null = null
  #framing: ResponseFraming = 'none'
  #interim: ResponseHead[] = []
  #body: Buffer[] = []
  #trailers: Array<[string, string]> = []
  #ended = false

  /** @param options - the request methods and the head size limit */
  constructor(options: ResponseReaderOptions = {}) {
    this.#methods = options.methods ?? []
    this.#maxHeadSize = options.maxHeadSize ?? 65536
  }

  /** The error that stopped the reader, or `null`. */
  get error(): ResponseParseError | null {
    return this.#error
  }

  /** True between responses: nothing of a next response (not even an interim one) has arrived. */
  get idle(): boolean {
    return this.#state === S_HEAD && this.#pos === this.#len && this.#interim.length === 0 && this.#error === null
  }

  /** Whether a `101 Switching Protocols` ended the HTTP part of the input. */
  get upgraded(): boolean {
    return this.#state === S_UPGRADED
  }

  /** The input after the last complete response that was not parsed (after a `101`: the other protocol's bytes). */
  get unparsed(): Buffer {
    return Buffer.from(this.#data.subarray(this.#pos, this.#len))
  }

  /**
   * Reads the next bytes of the input.
   *
   * @param chunk - any part of the input, split anywhere
   * @returns whether the reader is still without error
   */
  push(chunk: Uint8Array): boolean {
    if (this.#error !== null || this.#ended) return this.#error === null
    this.#append(chunk)
    this.#run()
    return this.#error === null
  }

  /**
   * Signals the end of the input (the server closed the connection): completes a close-delimited body;
   * anywhere else inside a response it is an `INCOMPLETE_RESPONSE` error.
   *
   * @returns whether the reader ended without error
   */
  end(): boolean {
    if (this.#error !== null || this.#ended) return this.#error === null
    this.#ended = true
    if (this.#state === S_CLOSE) {
      this.#collect(this.#len)
      this.#complete()
    } else if (this.#state !== S_UPGRADED && !this.idle) {
      this.#fail('INCOMPLETE_RESPONSE', this.#len)
    }
    return this.#error === null
  }

  #append(chunk: Uint8Array): void {
    const need = this.#len + chunk.length
    if (need > this.#data.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.#data.length * 2, 4096))
      this.#data.copy(grown, 0, 0, this.#len)
      this.#data = grown
    }
    this.#data.set(chunk, this.#len)
    this.#len = need
  }

  #fail(code: ResponseParseErrorCode, at: number): void {
    this.#error = new ResponseParseError(code, this.#base + at)
    this.#state = S_FAILED
  }

  #run(): void {
    for (;;) {
      const before = this.#base + this.#pos
      const state = this.#state
      const count = this.responses.length + this.#interim.length
      switch (state) {
        case S_HEAD:
          this.#readHead()
          break
        case S_LENGTH:
        case S_CHUNK_DATA:
          this.#readData()
          break
        case S_CHUNK_SIZE:
          this.#readChunkSize()
          break
        case S_CHUNK_CRLF:
          this.#readChunkEnd()
          break
        case S_TRAILERS:
          this.#readTrailer()
          break
        case S_CLOSE:
          this.#collect(this.#len)
          return
        default:
          return
      }
      const progressed = this.#base + this.#pos !== before || this.#state !== state || this.responses.length + this.#interim.length !== count
      if (!progressed) return
    }
  }

  /** Finds the end of a line (`\r\n`) from `#scan`; -1 when it has not arrived. */
  #lineEnd(marker: Buffer): number {
    const data = this.#data.subarray(0, this.#len)
    const at = data.indexOf(marker, Math.max(this.#scan, this.#pos))
    if (at === -1) this.#scan = Math.max(this.#pos, this.#len - marker.length + 1)
    return at
  }

  #readHead(): void {
    if (this.#pos === this.#len) return
    const end = this.#lineEnd(CRLFCRLF)
    if (end === -1) {
      if (this.#len - this.#pos > this.#maxHeadSize) this.#fail('HEAD_TOO_LARGE', this.#pos)
      return
    }
    if (end + 4 - this.#pos > this.#maxHeadSize) return this.#fail('HEAD_TOO_LARGE', this.#pos)
    const headStart = this.#pos
    const lines = this.#data.toString('latin1', headStart, end).split('\r\n')
    const status = STATUS_LINE.exec(lines[0] as string)
    if (status === null || Number(status[2]) < 100) return this.#fail('INVALID_STATUS_LINE', headStart)
    const fields: Array<[string, string]> = []
    let offset = headStart + (lines[0] as string).length + 2
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string
      const field = FIELD_LINE.exec(line)
      if (field === null) return this.#fail('INVALID_FIELD', offset)
      fields.push([field[1] as string, field[2] as string])
      offset += line.length + 2
    }
    this.#pos = end + 4
    this.#scan = this.#pos
    const code = Number(status[2])
    const head: ResponseHead = {
      status: code,
      statusText: status[3] ?? '',
      httpVersion: `1.${status[1] as string}`,
      headers: new ReceivedHeaders(fields),
      raw: Buffer.from(this.#data.subarray(headStart, this.#pos)),
    }
    if (code < 200 && code !== 101) {
      this.#interim.push(head)
      return
    }
    this.#head = head
    this.#beginBody(head, headStart)
  }

  #beginBody(head: ResponseHead, headStart: number): void {
    const method = this.#methods[this.responses.length] ?? 'GET'
    const code = head.status
    if (code === 101) {
      this.#framing = 'upgrade'
      this.#complete()
      this.#state = S_UPGRADED
      return
    }
    if (method === 'HEAD' || code === 204 || code === 304) {
      this.#framing = 'none'
      return this.#complete()
    }
    const te = head.headers.getAll('transfer-encoding')
    const cl = head.headers.getAll('content-length')
    if (te.length > 0) {
      if (cl.length > 0) return this.#fail('INVALID_FRAMING', headStart)
      const codings = te.join(',').split(',').map(c => c.trim().toLowerCase())
      const last = codings.length - 1
      if (codings.some((c, i) => c === 'chunked' && i !== last)) return this.#fail('INVALID_FRAMING', headStart)
      if (codings[last] === 'chunked') {
        this.#framing = 'chunked'
        this.#state = S_CHUNK_SIZE
      } else {
        this.#framing = 'close'
        this.#state = S_CLOSE
      }
      return
    }
    if (cl.length > 0) {
      const values = cl.join(',').split(',').map(v => v.trim())
      const first = values[0] as string
      if (!values.every(v => /^\d{1,15}$/.test(v) && v === first)) return this.#fail('INVALID_CONTENT_LENGTH', headStart)
      this.#framing = 'length'
      this.#remaining = Number(first)
      if (this.#remaining === 0) return this.#complete()
      this.#state = S_LENGTH
      return
    }
    this.#framing = 'close'
    this.#state = S_CLOSE
  }

  /** Body bytes up to `#remaining`. */
  #readData(): void {
    const take = Math.min(this.#remaining, this.#len - this.#pos)
    if (take === 0) return
    this.#collect(this.#pos + take)
    this.#remaining -= take
    if (this.#remaining > 0) return
    if (this.#state === S_LENGTH) this.#complete()
    else this.#state = S_CHUNK_CRLF
  }

  /** Takes `#data[#pos..to)` as body. */
  #collect(to: number): void {
    if (to > this.#pos) this.#body.push(Buffer.from(this.#data.subarray(this.#pos, to)))
    this.#pos = to
    this.#scan = to
  }

  #readChunkSize(): void {
    const end = this.#lineEnd(CRLF)
    if (end === -1) {
      if (this.#len - this.#pos > MAX_CHUNK_LINE) this.#fail('INVALID_CHUNK', this.#pos)
      return
    }
    const match = end - this.#pos <= MAX_CHUNK_LINE ? CHUNK_LINE.exec(this.#data.toString('latin1', this.#pos, end)) : null
    if (match === null) return this.#fail('INVALID_CHUNK', this.#pos)
    const size = parseInt(match[1] as string, 16)
    this.#pos = end + 2
    this.#scan = this.#pos
    if (size === 0) {
      this.#trailerBytes = 0
      this.#state = S_TRAILERS
    } else {
      this.#remaining = size
      this.#state = S_CHUNK_DATA
    }
  }

  #readChunkEnd(): void {
    if (this.#len - this.#pos < 2) {
      if (this.#pos < this.#len && this.#data[this.#pos] !== 0x0d) this.#fail('INVALID_CHUNK', this.#pos)
      return
    }
    if (this.#data[this.#pos] !== 0x0d || this.#data[this.#pos + 1] !== 0x0a) return this.#fail('INVALID_CHUNK', this.#pos)
    this.#pos += 2
    this.#scan = this.#pos
    this.#state = S_CHUNK_SIZE
  }

  #readTrailer(): void {
    const end = this.#lineEnd(CRLF)
    if (end === -1) {
      if (this.#trailerBytes + this.#len - this.#pos > this.#maxHeadSize) this.#fail('HEAD_TOO_LARGE', this.#pos)
      return
    }
    this.#trailerBytes += end + 2 - this.#pos
    if (this.#trailerBytes > this.#maxHeadSize) return this.#fail('HEAD_TOO_LARGE', this.#pos)
    if (end === this.#pos) {
      this.#pos += 2
      return this.#complete()
    }
    const field = FIELD_LINE.exec(this.#data.toString('latin1', this.#pos, end))
    if (field === null) return this.#fail('INVALID_FIELD', this.#pos)
    this.#trailers.push([field[1] as string, field[2] as string])
    this.#pos = end + 2
    this.#scan = this.#pos
  }

  /** The current response is complete: record it and drop its bytes. */
  #complete(): void {
    const head = this.#head as ResponseHead
    this.responses.push({
      ...head,
      body: this.#body.length === 1 ? (this.#body[0] as Buffer) : Buffer.concat(this.#body),
      trailers: new ReceivedHeaders(this.#trailers),
      framing: this.#framing,
      interim: this.#interim,
      // `#data` starts where this response (its interim responses included) started.
      raw: Buffer.from(this.#data.subarray(0, this.#pos)),
    })
    this.#head = null
    this.#body = []
    this.#trailers = []
    this.#interim = []
    this.#state = S_HEAD
    // Drop what was read: the buffer holds at most one response at a time.
    this.#base += this.#pos
    this.#data = Buffer.from(this.#data.subarray(this.#pos, this.#len))
    this.#len -= this.#pos
    this.#pos = 0
    this.#scan = 0
  }
}
