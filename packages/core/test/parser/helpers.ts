/**
 * Shared helpers for the parser tests: feed bytes to a RequestParser in
 * chosen splits and record the handler events in a comparable form.
 */
import { expect } from 'vitest'
import { RequestParser, type ParserHandler } from '../../src/http/parser.js'
import type { ParseErrorCode } from '../../src/http/parse-error.js'
import type { ParserLimits } from '../../src/http/parser-limits.js'
import type { RequestHead } from '../../src/http/request-head.js'

/** One handler call; consecutive body events are merged (their split is not significant). */
export type ParseEvent =
  | { type: 'head'; head: RequestHead }
  | { type: 'body'; data: string }
  | { type: 'complete'; trailers: string[] | null }

/** Everything observable from parsing one input. */
export interface ParseOutcome {
  events: ParseEvent[]
  /** `parser.error` after all chunks were executed. */
  error: ParseErrorCode | null
  /** `parser.finish()` after all chunks (null when the input ended between messages). */
  eof: ParseErrorCode | null
}

/** A message as seen by the tests. */
export interface ParsedMessage {
  head: RequestHead
  body: string
  trailers: string[] | null
}

/** Converts a latin1 string or Buffer to a Buffer. */
export function bytes(input: string | Buffer): Buffer {
  return typeof input === 'string' ? Buffer.from(input, 'latin1') : input
}

/** Joins lines with CRLF and appends the empty line ending the head, then the body. */
export function request(lines: string[], body = ''): string {
  return `${lines.join('\r\n')}\r\n\r\n${body}`
}

/** Splits `buf` at the given sorted offsets. */
export function splitAt(buf: Buffer, offsets: readonly number[]): Buffer[] {
  const out: Buffer[] = []
  let prev = 0
  for (const o of [...offsets].sort((a, b) => a - b)) {
    if (o <= prev || o >= buf.length) continue
    out.push(buf.subarray(prev, o))
    prev = o
  }
  out.push(buf.subarray(prev))
  return out
}

/** Splits `buf` into 1-byte chunks. */
export function bytewise(buf: Buffer): Buffer[] {
  const out: Buffer[] = []
  for (let i = 0; i < buf.length; i++) out.push(buf.subarray(i, i + 1))
  return out
}

/**
 * Parses `chunks` (copied, so that views kept by mistake would show) and
 * records the events. `pauseEvery` makes onComplete pause; execute is then
 * resumed with the unconsumed rest, as a connection loop would.
 */
export function run(
  chunks: readonly (string | Buffer)[],
  limits?: Partial<ParserLimits>,
  pauseEvery = false,
): ParseOutcome {
  const events: ParseEvent[] = []
  const handler: ParserHandler = {
    onHead(head) {
      events.push({ type: 'head', head })
    },
    onBody(chunk) {
      if (chunk.length === 0) throw new Error('empty onBody')
      const last = events[events.length - 1]
      const data = chunk.toString('latin1')
      if (last?.type === 'body') last.data += data
      else events.push({ type: 'body', data })
    },
    onComplete(trailers) {
      events.push({ type: 'complete', trailers })
      return pauseEvery
    },
  }
  const parser = new RequestParser(handler, limits)
  for (const c of chunks) {
    let buf = Buffer.from(bytes(c))
    for (;;) {
      const n = parser.execute(buf)
      if (parser.error !== null) break
      if (n > buf.length) throw new Error('consumed more than given')
      if (n === buf.length) break
      // Paused after a message: resume with the rest.
      parser.resume()
      buf = buf.subarray(n)
    }
    if (parser.error !== null) break
  }
  const error = parser.error
  const eof = parser.finish()
  return { events, error, eof }
}

/**
 * Parses `input` as one chunk, and checks that feeding it byte by byte
 * (and with a pause after every message) yields the same outcome.
 */
export function parse(input: string | Buffer, limits?: Partial<ParserLimits>): ParseOutcome {
  const whole = run([input], limits)
  expect(run(bytewise(bytes(input)), limits), 'byte-by-byte split').toEqual(whole)
  expect(run([input], limits, true), 'pause after each message').toEqual(whole)
  return whole
}

/** Groups the events into messages (head + merged body + trailers). */
export function messages(outcome: ParseOutcome): ParsedMessage[] {
  const out: ParsedMessage[] = []
  let current: ParsedMessage | null = null
  for (const ev of outcome.events) {
    if (ev.type === 'head') {
      current = { head: ev.head, body: '', trailers: null }
    } else if (ev.type === 'body') {
      if (current) current.body += ev.data
    } else if (current) {
      current.trailers = ev.trailers
      out.push(current)
      current = null
    }
  }
  return out
}

/**
 * Parses a single complete request and returns it; throws with the error
 * code when parsing failed or did not produce exactly one message.
 */
export function parseOk(input: string | Buffer, limits?: Partial<ParserLimits>): ParsedMessage {
  const outcome = parse(input, limits)
  if (outcome.error !== null) throw new Error(`unexpected parse error ${outcome.error}`)
  if (outcome.eof !== null) throw new Error(`unexpected eof error ${outcome.eof}`)
  const msgs = messages(outcome)
  if (msgs.length !== 1) throw new Error(`expected one message, got ${msgs.length}`)
  return msgs[0]!
}

/** The error of parsing `input` (during execute or at EOF), or null. */
export function parseError(input: string | Buffer, limits?: Partial<ParserLimits>): ParseErrorCode | null {
  const outcome = parse(input, limits)
  return outcome.error ?? outcome.eof
}

/** Looks up a header value (case-insensitive) in flat raw pairs. */
export function header(raw: readonly string[], name: string): string | undefined {
  const lower = name.toLowerCase()
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === lower) return raw[i + 1]
  return undefined
}
