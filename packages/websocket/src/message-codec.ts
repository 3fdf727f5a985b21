/**
 * What a WebSocket needs from a permessage-deflate context (RFC 7692), one per connection: the shape of
 * `MessageDeflate` in `./deflate/`. Operations of one direction run in call order.
 *
 * @example
 * ```ts
 * const payload = codec.shouldCompress(data.length) ? await codec.compress(data) : data
 * ```
 * @internal
 */
export interface MessageCodec {
  /** Whether a message of this size is worth compressing (the threshold). */
  shouldCompress(byteLength: number): boolean
  /** Compresses a whole message (the payload to send with RSV1 on its first frame). */
  compress(data: Buffer): Promise<Buffer>
  /** Inflates one frame of a compressed message; rejects past `maxSize` for the whole message (→ 1009). */
  decompress(data: Buffer, fin: boolean, maxSize: number): Promise<Buffer>
  /** Frees the zlib streams; pending operations reject. */
  close(): void
}

/**
 * The close code for a codec failure: the error's own `closeCode` when it has one (1009 for a message that
 * inflates past the limit, 1007 for invalid DEFLATE data), else 1011.
 *
 * @param err - what the codec rejected with
 * @returns the close code
 * @example
 * ```ts
 * codecCloseCode(new DeflateError('size', 'too big')) // 1009
 * ```
 * @internal
 */
export function codecCloseCode(err: unknown): number {
  const code = (err as { closeCode?: unknown } | null)?.closeCode
  return typeof code === 'number' ? code : 1011
}
