import { close as closeFd, open as openFile, read as readFile } from 'node:fs'
import type { FileBody } from './file-body.js'
import type { BodyOwner, Output } from './output.js'

/** Largest read from a file per write. */
const FILE_CHUNK = 512 * 1024
/** Read buffers for file bodies, reused once the kernel has the bytes (bounded: at most 8 kept). */
const fileChunks: Buffer[] = []

function takeFileChunk(): Buffer {
  return fileChunks.pop() ?? Buffer.allocUnsafeSlow(FILE_CHUNK)
}

function giveFileChunk(buf: Buffer): void {
  if (fileChunks.length < 8) fileChunks.push(buf)
}

/**
 * Streams a file range after its head: reads ahead one chunk while the previous one is being written, so
 * the disk and the socket work at the same time; never more than two chunks are in memory per transfer.
 * Opens the path when the body has no descriptor, and closes the descriptor on every outcome (done,
 * error, connection gone). Registers its cleanup as `out.abortBody`.
 *
 * @param out - the connection's output (the head is pending in it)
 * @param owner - the connection
 * @param file - the range
 * @example
 * ```ts
 * sendFile(out, conn, new FileBody({ path: './big.bin', length: size }))
 * ```
 * @internal
 */
export function sendFile(out: Output, owner: BodyOwner, file: FileBody): void {
  let fd = file.fd
  let position = file.start
  let remaining = file.length
  let reading = false
  let done = false
  /** A chunk read while the socket was full, written on `drain`. */
  let stashed: Buffer | null = null
  let stashedLength = 0
  const release = (): void => {
    out.abortBody = null
    if (stashed !== null) giveFileChunk(stashed)
    stashed = null
    if (fd >= 0) {
      const toClose = fd
      fd = -1
      closeFd(toClose, () => {})
    }
  }
  const fail = (reason: string): void => {
    if (done) return
    done = true
    release()
    owner.bodyFailed(`file body failed: ${reason}`)
  }
  const write = (buf: Buffer, n: number): void => {
    out.flush() // the head (and anything else pending) leaves first
    const ok = out.socket.write(buf.subarray(0, n), () => giveFileChunk(buf))
    out.bodySent += n
    if (remaining > 0) read()
    else {
      done = true
      release()
      owner.bodyDone()
      return
    }
    if (!ok) out.waitForDrain(null)
  }
  const writeStashed = (): void => {
    const buf = stashed
    if (done || buf === null) return
    stashed = null
    write(buf, stashedLength)
  }
  const read = (): void => {
    if (done || reading) return
    reading = true
    const size = Math.min(remaining, FILE_CHUNK)
    const buf = takeFileChunk()
    readFile(fd, buf, 0, size, position, (err, n) => {
      reading = false
      // The buffer goes back to the pool only once no read and no write uses it any more.
      if (done || err !== null || n === 0) {
        giveFileChunk(buf)
        if (done) return
        return fail(err !== null ? err.message : 'file shorter than announced')
      }
      position += n
      remaining -= n
      if (out.blocked) {
        stashed = buf
        stashedLength = n
        out.waitForDrain(writeStashed)
      } else write(buf, n)
    })
  }
  out.abortBody = () => {
    if (done) return
    done = true
    release()
  }
  if (remaining === 0) {
    done = true
    release()
    owner.bodyDone()
  } else if (fd >= 0) read()
  else {
    openFile(file.path as string, 'r', (err, opened) => {
      if (err !== null) return fail(err.message)
      if (done || owner.gone) {
        closeFd(opened, () => {})
        return
      }
      fd = opened
      read()
    })
  }
}
