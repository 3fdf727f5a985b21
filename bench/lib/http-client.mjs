// A small raw HTTP/1.1 client over node:net for verification: it sends the
// exact bytes we choose (pipelined or not) and parses responses strictly, so
// a framing mistake (a body after HEAD or 304, a wrong Content-Length)
// shows up as garbage at the start of the next response.
import { connect } from 'node:net'

const CRLF2 = Buffer.from('\r\n\r\n')

/**
 * @typedef {object} Response
 * @property {string} version - e.g. HTTP/1.1
 * @property {number} status
 * @property {Record<string, string>} headers - lower-cased names; repeated fields joined with ", "
 * @property {Buffer} body
 * @property {number} size - head + body bytes (chunked: the decoded chunk payload)
 * @property {number} wire - bytes the response took on the wire (head + body, chunk framing included)
 */

/** One client connection to 127.0.0.1:port. */
export class Conn {
  /**
   * @param {number} port
   * @param {number} [timeoutMs] - limit for every wait
   */
  constructor(port, timeoutMs = 5000) {
    this.port = port
    this.timeoutMs = timeoutMs
    this.buf = Buffer.alloc(0)
    /** Bytes received on this connection so far. */
    this.received = 0
    this.ended = false
    this.error = null
    this.waiter = null
    this.socket = connect({ port, host: '127.0.0.1', noDelay: true })
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve)
      this.socket.once('error', reject)
    })
    this.socket.on('data', (d) => {
      this.received += d.length
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d
      this.wake()
    })
    this.socket.on('end', () => {
      this.ended = true
      this.wake()
    })
    this.socket.on('close', () => {
      this.ended = true
      this.wake()
    })
    this.socket.on('error', (e) => {
      this.error = e
      this.ended = true
      this.wake()
    })
  }

  wake() {
    const w = this.waiter
    this.waiter = null
    if (w) w()
  }

  /** Waits for more bytes or the end, bounded by timeoutMs. */
  async more(deadline) {
    if (this.ended) throw new Error(this.error ? `socket error: ${this.error.message}` : 'connection closed by server')
    const left = deadline - Date.now()
    if (left <= 0) throw new Error(`timeout after ${this.timeoutMs} ms`)
    await new Promise((resolve) => {
      const t = setTimeout(resolve, left)
      this.waiter = () => {
        clearTimeout(t)
        resolve()
      }
    })
  }

  /** @param {string|Buffer} data - raw request bytes */
  async send(data) {
    await this.connected
    this.socket.write(data)
  }

  /**
   * Reads one response.
   * @param {{ head?: boolean }} [opts] - head: the request was HEAD (no body expected)
   * @returns {Promise<Response>}
   */
  async read(opts = {}) {
    const deadline = Date.now() + this.timeoutMs
    const consumedBefore = this.received - this.buf.length
    let end
    while ((end = this.buf.indexOf(CRLF2)) === -1) {
      if (this.buf.length > 65536) throw new Error('response head larger than 64 KiB')
      await this.more(deadline)
    }
    const headText = this.buf.subarray(0, end).toString('latin1')
    const lines = headText.split('\r\n')
    const m = /^(HTTP\/\d\.\d) (\d{3})(?: .*)?$/.exec(lines[0])
    if (!m) throw new Error(`bad status line ${JSON.stringify(lines[0].slice(0, 60))}`)
    const headers = {}
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':')
      if (i <= 0) throw new Error(`bad header line ${JSON.stringify(line.slice(0, 60))}`)
      const name = line.slice(0, i).trim().toLowerCase()
      const value = line.slice(i + 1).trim()
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value
    }
    const status = Number(m[2])
    let pos = end + 4
    this.buf = this.buf.subarray(pos)
    const headSize = pos
    let body = Buffer.alloc(0)
    const noBody = opts.head || status === 204 || status === 304 || (status >= 100 && status < 200)
    if (!noBody) {
      if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
        body = await this.readChunked(deadline)
      } else if (headers['content-length'] !== undefined) {
        const len = Number(headers['content-length'])
        if (!Number.isSafeInteger(len) || len < 0) throw new Error(`bad Content-Length ${headers['content-length']}`)
        while (this.buf.length < len) await this.more(deadline)
        body = this.buf.subarray(0, len)
        this.buf = this.buf.subarray(len)
      } else {
        // body until close
        while (!this.ended) {
          try {
            await this.more(deadline)
          } catch (e) {
            if (this.ended) break
            throw e
          }
        }
        body = this.buf
        this.buf = Buffer.alloc(0)
      }
    }
    const wire = this.received - this.buf.length - consumedBefore
    return { version: m[1], status, headers, body: Buffer.from(body), size: headSize + body.length, wire }
  }

  async readChunked(deadline) {
    const parts = []
    for (;;) {
      let eol
      while ((eol = this.buf.indexOf('\r\n')) === -1) await this.more(deadline)
      const size = parseInt(this.buf.subarray(0, eol).toString('latin1').split(';')[0], 16)
      if (!Number.isFinite(size) || size < 0) throw new Error('bad chunk size')
      this.buf = this.buf.subarray(eol + 2)
      if (size === 0) {
        // trailers until an empty line
        let t
        while ((t = this.buf.indexOf('\r\n')) !== 0) {
          if (t > 0) this.buf = this.buf.subarray(t + 2)
          else await this.more(deadline)
        }
        this.buf = this.buf.subarray(2)
        return Buffer.concat(parts)
      }
      while (this.buf.length < size + 2) await this.more(deadline)
      parts.push(Buffer.from(this.buf.subarray(0, size)))
      this.buf = this.buf.subarray(size + 2)
    }
  }

  /**
   * Waits until the server closes the connection.
   * @param {number} ms
   * @returns {Promise<boolean>} true if it closed (with no further bytes)
   */
  async waitClosed(ms) {
    const deadline = Date.now() + ms
    while (!this.ended && Date.now() < deadline) {
      await new Promise((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()))
        this.waiter = () => {
          clearTimeout(t)
          resolve()
        }
      })
    }
    return this.ended
  }

  /** Bytes received and not consumed by read(). */
  get leftover() {
    return this.buf.length
  }

  close() {
    this.socket.destroy()
  }
}

/**
 * Builds a request.
 * @param {string} method
 * @param {string} path
 * @param {number} port
 * @param {Record<string,string>} [headers]
 */
export function request(method, path, port, headers = {}) {
  let s = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`
  for (const [k, v] of Object.entries(headers)) s += `${k}: ${v}\r\n`
  return `${s}\r\n`
}
