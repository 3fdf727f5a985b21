import { encodeFrame, FrameParser, type Frame, type FrameError, type FrameParserOptions } from '../src/index.js'

/** A fixed masking key, so that expected bytes are stable. */
export const KEY = new Uint8Array([0x37, 0xfa, 0x21, 0x3d])

/** A frame as a client sends it (masked). */
export function clientFrame(opcode: number, payload: Uint8Array | string, options: { fin?: boolean; rsv1?: boolean; mask?: false } = {}): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload
  return encodeFrame(opcode, bytes, { fin: options.fin ?? true, rsv1: options.rsv1 ?? false, ...(options.mask === false ? {} : { mask: KEY }) })
}

/** What a parser reported for some input. */
export interface Parsed {
  frames: Array<{ fin: boolean; rsv1: boolean; opcode: number; payload: string }>
  error: { code: string; closeCode: number } | null
}

/**
 * Feeds `input` to a new parser in pieces cut at `splits` (offsets, any order, duplicates allowed) and
 * returns what it reported; payloads as hex so results compare with toEqual.
 */
export function parse(input: Uint8Array, options: Partial<FrameParserOptions> = {}, splits: number[] = []): Parsed {
  const out: Parsed = { frames: [], error: null }
  let errors = 0
  const parser = new FrameParser(
    {
      onFrame: (f: Frame) => out.frames.push({ fin: f.fin, rsv1: f.rsv1, opcode: f.opcode, payload: f.payload.toString('hex') }),
      onError: (e: FrameError) => {
        errors++
        out.error = { code: e.code, closeCode: e.closeCode }
      },
    },
    { maxPayload: 1 << 20, ...options },
  )
  const cuts = [...new Set(splits.filter(s => s > 0 && s < input.length))].sort((a, b) => a - b)
  let at = 0
  for (const cut of [...cuts, input.length]) {
    parser.execute(input.subarray(at, cut))
    at = cut
  }
  if (errors > 1) throw new Error('onError called more than once')
  return out
}
