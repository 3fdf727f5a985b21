import { parseV1, type ParsedProxyHeader } from './parse-v1.js'
import { parseV2, V2_FIXED_LENGTH } from './parse-v2.js'
import {
  DEFAULT_MAX_TLV_BYTES,
  ProxyProtocolError,
  V1_MAX_LENGTH,
  V1_PREFIX,
  V2_SIGNATURE,
  type ProxyHeader,
  type ProxyParserLimits,
} from './proxy-header.js'

/** What one {@link ProxyHeaderParser.push} found. */
export type ProxyParseStep =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'header'; readonly header: ProxyHeader; readonly rest: Buffer }
  | { readonly kind: 'error'; readonly error: ProxyProtocolError }

const INCOMPLETE_STEP: ProxyParseStep = Object.freeze({ kind: 'incomplete' })

/** Whether `input` matches the first bytes of `signature` (as far as `input` goes). */
function startsLike(input: Uint8Array, signature: Uint8Array): boolean {
  const n = Math.min(input.length, signature.length)
  for (let i = 0; i < n; i++) if (input[i] !== signature[i]) return false
  return true
}

/**
 * Parses a PROXY header (v1 or v2) from the start of the bytes a connection has sent so far. Stateless:
 * give it everything received until it stops answering null. The version is told by the first bytes
 * (`PROXY ` or the v2 signature); anything else is a connection without a header (`missing-header`), known
 * from its first byte that matches neither.
 *
 * @param input - every byte received so far
 * @param limits - parser limits
 * @returns the header and the bytes it took, or null while more bytes are needed
 * @throws ProxyProtocolError for input that can never become a valid header
 * @example
 * ```ts
 * parseProxyHeader(Buffer.from('PROXY UNKNOWN\r\nGET / HTTP/1.1\r\n'))?.consumed // 15
 * ```
 */
export function parseProxyHeader(input: Uint8Array, limits: ProxyParserLimits = {}): ParsedProxyHeader | null {
  if (input.length === 0) return null
  if (input[0] === V1_PREFIX[0]) {
    if (!startsLike(input, V1_PREFIX)) throw missing()
    return input.length <= V1_PREFIX.length ? null : parseV1(input)
  }
  if (!startsLike(input, V2_SIGNATURE)) throw missing()
  return input.length < V2_SIGNATURE.length ? null : parseV2(input, limits.maxTlvBytes ?? DEFAULT_MAX_TLV_BYTES)
}

function missing(): ProxyProtocolError {
  return new ProxyProtocolError('missing-header', 'the connection does not start with a PROXY protocol header')
}

/**
 * The incremental PROXY header reader of one connection: push each chunk as it arrives; it keeps what it
 * needs (at most 107 bytes for v1, 16 + the announced length for v2, itself bounded by `maxTlvBytes`) and
 * says when the header is complete, with the bytes after it (the first bytes of the real protocol), or
 * what is wrong. No socket inside: the listener in `proxy-listener.ts` owns that.
 *
 * @example
 * ```ts
 * const parser = new ProxyHeaderParser()
 * socket.on('data', chunk => {
 *   const step = parser.push(chunk)
 *   if (step.kind === 'error') socket.destroy()
 *   else if (step.kind === 'header') startHttp(socket, step.header, step.rest)
 * })
 * socket.on('end', () => { if (parser.end().kind === 'error') socket.destroy() })
 * ```
 */
export class ProxyHeaderParser {
  readonly #limits: ProxyParserLimits
  #buffered: Buffer | null = null
  #finished = false

  /** @param limits - parser limits */
  constructor(limits: ProxyParserLimits = {}) {
    const max = limits.maxTlvBytes
    if (max !== undefined && (!Number.isInteger(max) || max < 0 || max > 65535 - 216)) {
      throw new TypeError('maxTlvBytes must be an integer from 0 to 65319')
    }
    this.#limits = limits
  }

  /**
   * Adds bytes.
   *
   * @param chunk - the next bytes from the connection
   * @returns `incomplete`, the `header` with the `rest` of the chunk, or an `error` (the parser then
   * stays failed)
   * @throws Error when called again after a header or an error
   */
  push(chunk: Buffer): ProxyParseStep {
    if (this.#finished) throw new Error('ProxyHeaderParser: push() after the header or an error')
    const previous = this.#buffered
    const input = previous === null ? chunk : Buffer.concat([previous, chunk])
    let parsed: ParsedProxyHeader | null
    try {
      parsed = parseProxyHeader(input, this.#limits)
    } catch (err) {
      this.#finished = true
      this.#buffered = null
      return { kind: 'error', error: err as ProxyProtocolError }
    }
    if (parsed === null) {
      if (input.length === 0) return INCOMPLETE_STEP
      // Keep only what a header can be: a v2 header's announced size is checked by parseV2 before this.
      const bound = input[0] === V1_PREFIX[0] ? V1_MAX_LENGTH : V2_FIXED_LENGTH + 65535
      this.#buffered = Buffer.from(input.subarray(0, Math.min(input.length, bound)))
      return INCOMPLETE_STEP
    }
    this.#finished = true
    this.#buffered = null
    return { kind: 'header', header: parsed.header, rest: input.subarray(parsed.consumed) }
  }

  /**
   * The connection ended (no more bytes will come).
   *
   * @returns an `error` (`missing-header` when nothing had arrived, else `truncated`), or `incomplete`
   * when the parser had already finished
   */
  end(): ProxyParseStep {
    if (this.#finished) return INCOMPLETE_STEP
    this.#finished = true
    const code = this.#buffered === null ? 'missing-header' : 'truncated'
    this.#buffered = null
    return {
      kind: 'error',
      error: new ProxyProtocolError(code, code === 'truncated' ? 'the connection ended inside the PROXY header' : 'the connection ended before any byte'),
    }
  }

  /** Bytes held while the header is incomplete. */
  get bufferedLength(): number {
    return this.#buffered?.length ?? 0
  }
}
