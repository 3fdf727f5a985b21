import { Readable, pipeline } from 'node:stream'
import {
  completedSynchronously,
  createDebug,
  disposeBody,
  negotiateEncoding,
  type ContentCoding,
  type Context,
  type Middleware,
  type Next,
  type ResponseHeaders,
} from 'tinyhttp-core'
import { codableStatus, decidedElsewhere, takeCandidate, type Candidate } from './candidate.js'
import { createEncoder, encodeBuffer, type EncodeSettings } from './encoders.js'
import { BUFFERED_MAX, resolveCompressOptions, type CompressOptions, type ResolvedCompress } from './options.js'

const debug = createDebug('tinyhttp:compress')

const VARY_ACCEPT_ENCODING = ['Accept-Encoding'] as const

/** Whether a `Content-Type` is a stream of events (Server-Sent Events): each chunk must reach the client at once. */
function isEventStream(contentType: string | undefined): boolean {
  return contentType !== undefined && /^\s*text\/event-stream\s*(;|$)/i.test(contentType)
}

/**
 * Makes the validator say what it can still promise: a strong `ETag` becomes weak (`"x"` → `W/"x"`),
 * since the coded bytes are not the bytes it was made for (RFC 9110 §8.8.3); a value that is not an
 * entity-tag at all is dropped. Weak comparison (`If-None-Match`) still matches the identity tag.
 */
function weakenEtag(headers: ResponseHeaders): void {
  const etag = headers.get('etag')
  if (etag === undefined || etag.startsWith('W/')) return
  if (etag.startsWith('"')) headers.set('ETag', `W/${etag}`)
  else headers.delete('ETag')
}

/** The fields of a coded representation: its coding, a weak validator, no ranges (they would be of the coded bytes). */
function markCoded(headers: ResponseHeaders, coding: ContentCoding): void {
  headers.set('Content-Encoding', coding)
  weakenEtag(headers)
  headers.delete('Accept-Ranges')
}

/** An empty stream standing in for a HEAD answer's coded body: no length to announce, nothing to code. */
function emptyStream(): Readable {
  return new Readable({
    read() {
      this.push(null)
    },
  })
}

/**
 * Codes a stream as it flows: source → zlib → the connection. `pipeline` carries back-pressure (a slow
 * client pauses zlib, which pauses the source) and tears everything down together: when the connection
 * destroys the encoder (client gone), the source is destroyed and zlib's handle is freed; when the
 * source fails, the encoder fails and the connection is cut.
 */
function encodeStream(source: Readable, settings: EncodeSettings): Readable {
  const encoder = createEncoder(settings)
  pipeline(source, encoder, err => {
    if (err) debug('%s stream ended early: %s', settings.coding, err.message)
  })
  return encoder
}

/**
 * Compresses response bodies nobody compressed yet — text, bytes, JSON and streams from your own
 * middleware — with brotli, gzip, or zstd where Node has it, chosen by the request's `Accept-Encoding`
 * (RFC 9110 §12.5.3, through the core's `negotiateEncoding`).
 *
 * @remarks
 * Works on the way out, after `await next()`. A response is coded when all hold: status 2xx other than
 * 204/205/206, a body that is not a file range, no `Content-Encoding` or `Content-Range` yet, no
 * `Vary: Accept-Encoding` yet and no tinyhttp-static reason (static codes its own files), no
 * `Cache-Control: no-transform`, the `filter` (default: a compressible `Content-Type`), and a size of
 * at least `threshold` bytes when the size is known. Such a response gets `Vary: Accept-Encoding`
 * whatever the client accepts; when a coding is chosen it also gets `Content-Encoding`, a weak `ETag`
 * and no `Accept-Ranges`. Bodies in memory are coded in one go on the thread pool and sent with their
 * exact `Content-Length`; streams are coded as they flow (chunked, with back-pressure), and
 * `text/event-stream` is flushed after every chunk. When nothing is acceptable, not even identity,
 * the response is sent as identity (not 406: the client asked for a resource that exists). A HEAD
 * answer gets the fields a GET would get, minus `Content-Length` (the coded size is known only by
 * coding), and no coding work. A 304 for a compressible `Content-Type` gets `Vary` and the weak `ETag`
 * the 200 would have had.
 *
 * Put it first (or right after `cors()`): it must see the final body, and a JSON body is serialized
 * when it is coded.
 *
 * @param options - codings, threshold, levels, filter
 * @returns the middleware
 * @throws TypeError for a wrong option (the message names it)
 * @example
 * ```ts
 * import { createApp } from 'tinyhttp-core'
 * import { compress } from 'tinyhttp-compress'
 *
 * const app = createApp()
 * app.use(compress())
 * app.use(ctx => {
 *   ctx.res.body = { items: Array.from({ length: 500 }, (_, i) => ({ id: i, name: `item ${i}` })) }
 * })
 * ```
 */
export function compress(options?: CompressOptions): Middleware {
  const c: ResolvedCompress = resolveCompressOptions(options)

  function negotiate(ctx: Context): ContentCoding | null {
    const chosen = negotiateEncoding(ctx.req.headers.get('accept-encoding'), c.codings)
    return chosen === null || chosen === 'identity' ? null : chosen
  }

  /** A 304 for a compressible type: the fields its 200 would have had (`Vary`, weak `ETag`). */
  function notModified(ctx: Context): void {
    if (decidedElsewhere(ctx.res) || !ctx.res.headers.has('content-type') || !c.filter(ctx)) return
    ctx.res.headers.vary(VARY_ACCEPT_ENCODING)
    if (negotiate(ctx) !== null) weakenEtag(ctx.res.headers)
  }

  function settingsFor(coding: ContentCoding, candidate: Candidate, eventStream: boolean): EncodeSettings {
    const large = candidate.size < 0 || candidate.size > BUFFERED_MAX || candidate.content instanceof Readable
    return {
      coding,
      level: (large ? c.streamed : c.buffered)[coding],
      sizeHint: candidate.size,
      boundedWindow: large,
      flushEachChunk: eventStream,
    }
  }

  async function codeInMemory(ctx: Context, content: string | Uint8Array, settings: EncodeSettings): Promise<void> {
    const input = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
    let coded: Buffer
    try {
      coded = await encodeBuffer(input, settings)
    } catch (err) {
      // Never a broken coded body: the identity bytes go out instead (with Vary, which is still true).
      debug('%s failed, sending identity: %O', settings.coding, err)
      return
    }
    const res = ctx.res
    if (res.committed || res.body !== content) return
    markCoded(res.headers, settings.coding)
    res.body = coded
  }

  function onWayOut(ctx: Context): void | Promise<void> {
    const res = ctx.res
    if (res.committed) return
    if (res.status === 304) return notModified(ctx)
    if (!codableStatus(res.status) || decidedElsewhere(res)) return
    const candidate = takeCandidate(res)
    if (candidate === null) return
    if (candidate.size >= 0 && candidate.size < c.threshold) return
    if (!c.filter(ctx)) return
    res.headers.vary(VARY_ACCEPT_ENCODING)
    const coding = negotiate(ctx)
    if (coding === null) return
    const settings = settingsFor(coding, candidate, isEventStream(res.headers.get('content-type')))
    if (ctx.req.method === 'HEAD') {
      markCoded(res.headers, coding)
      disposeBody(res.body)
      res.body = emptyStream()
      return
    }
    const content = candidate.content
    if (!(content instanceof Readable)) return codeInMemory(ctx, content, settings)
    markCoded(res.headers, coding)
    res.body = encodeStream(content, settings)
  }

  return function compress(ctx: Context, next: Next): void | Promise<void> {
    const rest = next()
    if (completedSynchronously(rest)) return onWayOut(ctx)
    return rest.then(() => onWayOut(ctx))
  }
}
