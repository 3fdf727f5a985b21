// The framing of the floor peers (floor.mjs, floor-uv.mjs): client frames in, unmasked server frames
// out, nothing checked. A measuring stick, not a parser.

/** One unmasked server frame (FIN set) with the payload of the masked client frame at `at`. */
function reframe(buf, at, opcode, length, payloadAt) {
  const head = length < 126 ? 2 : length < 65_536 ? 4 : 10
  const out = Buffer.allocUnsafe(head + length)
  out[0] = 0x80 | opcode
  if (head === 2) out[1] = length
  else if (head === 4) {
    out[1] = 126
    out.writeUInt16BE(length, 2)
  } else {
    out[1] = 127
    out.writeBigUInt64BE(BigInt(length), 2)
  }
  const k0 = buf[payloadAt - 4]
  const k1 = buf[payloadAt - 3]
  const k2 = buf[payloadAt - 2]
  const k3 = buf[payloadAt - 1]
  let i = 0
  for (; i + 4 <= length; i += 4) {
    out[head + i] = buf[payloadAt + i] ^ k0
    out[head + i + 1] = buf[payloadAt + i + 1] ^ k1
    out[head + i + 2] = buf[payloadAt + i + 2] ^ k2
    out[head + i + 3] = buf[payloadAt + i + 3] ^ k3
  }
  for (; i < length; i++) out[head + i] = buf[payloadAt + i] ^ buf[payloadAt - 4 + (i & 3)]
  return out
}

/**
 * Hands every whole client frame in `buf` to `send` as an unmasked server frame; returns where the
 * first incomplete frame starts.
 */
export function frames(buf, send) {
  let at = 0
  while (buf.length - at >= 6) {
    let length = buf[at + 1] & 127
    let payloadAt = at + 6
    if (length === 126) {
      if (buf.length - at < 8) break
      length = buf.readUInt16BE(at + 2)
      payloadAt = at + 8
    } else if (length === 127) {
      if (buf.length - at < 14) break
      length = Number(buf.readBigUInt64BE(at + 2))
      payloadAt = at + 14
    }
    if (buf.length < payloadAt + length) break
    send(reframe(buf, at, buf[at] & 15, length, payloadAt))
    at = payloadAt + length
  }
  return at
}
