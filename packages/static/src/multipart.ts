/**
 * `multipart/byteranges` bodies (RFC 9110 §14.6) for requests with several ranges.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { contentRange, type ByteRange } from './range.js'

/**
 * The layout of a multipart/byteranges body: what to write before each part, and the closing line.
 *
 * @example
 * ```ts
 * const plan: MultipartPlan = planMultipart([{ start: 0, end: 1 }, { start: 4, end: 5 }], 20, 'text/plain')
 * plan.length // bytes of the whole body
 * ```
 */
export interface MultipartPlan {
  /** The boundary (random, 24 hex digits). */
  readonly boundary: string
  /** The `Content-Type` of the whole response. */
  readonly contentType: string
  /** The part heads: delimiter line, `Content-Type`, `Content-Range`, empty line (latin1). */
  readonly heads: readonly string[]
  /** The closing delimiter. */
  readonly tail: string
  /** The ranges, index-aligned with {@link MultipartPlan.heads}. */
  readonly ranges: readonly ByteRange[]
  /** Total body length in bytes. */
  readonly length: number
}

/**
 * A fresh random boundary: 24 hex digits (96 bits), so it cannot be guessed and planted in a file.
 *
 * @returns the boundary
 * @example
 * ```ts
 * randomBoundary() // e.g. '3f9a1c0b7d2e4f6a8b9c0d1e'
 * ```
 */
export function randomBoundary(): string {
  return randomBytes(12).toString('hex')
}

/**
 * Lays out a multipart/byteranges body: `--B CRLF Content-Type CRLF Content-Range CRLF CRLF <bytes>`
 * per part, each part after the first preceded by a CRLF, and `CRLF --B-- CRLF` at the end.
 *
 * @param ranges - the parts, in the order they are sent
 * @param size - the complete length of the representation
 * @param type - the representation's `Content-Type`, repeated in every part
 * @param boundary - the boundary @defaultValue a random one
 * @returns the plan
 * @example
 * ```ts
 * const plan = planMultipart([{ start: 0, end: 1 }, { start: 4, end: 5 }], 20, 'text/plain', 'B')
 * plan.contentType // 'multipart/byteranges; boundary=B'
 * plan.heads[0]    // '--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/20\r\n\r\n'
 * plan.tail        // '\r\n--B--\r\n'
 * ```
 */
export function planMultipart(ranges: readonly ByteRange[], size: number, type: string, boundary: string = randomBoundary()): MultipartPlan {
  const heads: string[] = []
  let length = 0
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i] as ByteRange
    const head = `${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Type: ${type}\r\nContent-Range: ${contentRange(r, size)}\r\n\r\n`
    heads.push(head)
    length += Buffer.byteLength(head, 'latin1') + (r.end - r.start + 1)
  }
  const tail = `\r\n--${boundary}--\r\n`
  length += tail.length
  return { boundary, contentType: `multipart/byteranges; boundary=${boundary}`, heads, tail, ranges, length }
}

/**
 * Builds the whole multipart body from bytes in memory.
 *
 * @param plan - from {@link planMultipart}
 * @param content - the complete representation
 * @returns the body (exactly `plan.length` bytes)
 * @example
 * ```ts
 * const body = multipartFromBuffer(planMultipart(ranges, buf.length, 'text/plain'), buf)
 * ```
 */
export function multipartFromBuffer(plan: MultipartPlan, content: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(plan.length)
  let offset = 0
  for (let i = 0; i < plan.ranges.length; i++) {
    const r = plan.ranges[i] as ByteRange
    offset += out.write(plan.heads[i] as string, offset, 'latin1')
    out.set(content.subarray(r.start, r.end + 1), offset)
    offset += r.end - r.start + 1
  }
  offset += out.write(plan.tail, offset, 'latin1')
  return out
}
