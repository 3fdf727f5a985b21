/**
 * Bodies read from disk at answer time: the file is opened, checked to still be the version the headers
 * were built from, and handed to the core (which owns the descriptor from then on).
 *
 * @module
 */
import { FileBody, SizedStream, type Response } from 'tinyhttp-core'
import { closeFile, fstat, openFile } from './fs-ops.js'
import { MultipartFileStream } from './multipart-stream.js'
import { planMultipart } from './multipart.js'
import type { ByteRange } from './range.js'
import { FileChanged, type Representation } from './representation.js'

/**
 * Opens the file of a representation and checks it is still the version the headers describe.
 *
 * @param rep - the representation
 * @returns the open descriptor
 * @throws FileChanged when the file is not the same (device, inode, size, mtime); fs errors as they come
 * @example
 * ```ts
 * const fd = await openVerified(entry.identity)
 * ```
 */
export async function openVerified(rep: Representation): Promise<number> {
  const fd = await openFile(rep.real)
  try {
    const st = await fstat(fd)
    const expected = rep.stats
    if (!st.isFile() || st.dev !== expected.dev || st.ino !== expected.ino || st.size !== expected.size || st.mtimeMs !== expected.mtimeMs) {
      throw new FileChanged(rep.real)
    }
  } catch (err) {
    closeFile(fd)
    throw err
  }
  return fd
}

/**
 * Sets `length` bytes of the file from `start` as the body.
 *
 * @param res - the response
 * @param rep - the representation (its file is opened and verified)
 * @param start - first byte
 * @param length - number of bytes
 * @example
 * ```ts
 * await sendFromDisk(ctx.res, rep, 0, rep.size)
 * ```
 */
export async function sendFromDisk(res: Response, rep: Representation, start: number, length: number): Promise<void> {
  const fd = await openVerified(rep)
  res.body = new FileBody({ fd, start, length })
  res.reason = 'static:disk'
}

/**
 * Sets a `multipart/byteranges` body of the ranges, read from the file.
 *
 * @param res - the response
 * @param rep - the representation
 * @param ranges - the satisfiable ranges
 * @example
 * ```ts
 * await sendMultipartFromDisk(ctx.res, rep, [{ start: 0, end: 9 }, { start: 20, end: 29 }])
 * ```
 */
export async function sendMultipartFromDisk(res: Response, rep: Representation, ranges: ByteRange[]): Promise<void> {
  const fd = await openVerified(rep)
  const plan = planMultipart(ranges, rep.size, rep.contentType)
  res.headers.set('Content-Type', plan.contentType)
  res.body = new SizedStream(new MultipartFileStream(fd, plan), plan.length)
  res.reason = 'static:multipart'
}
