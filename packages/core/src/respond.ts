import { Readable } from 'node:stream'
import type { encodeHead } from './http/encode-head.js'
import { FileBody, SizedStream } from './http/file-body.js'
import { BODY_BYTES, BODY_FILE, BODY_SIZED_STREAM, BODY_STREAM, ResponsePlan } from './http/response-plan.js'
import type { Response } from './response.js'

/**
 * Turns a finished response into the plan the wire writes, and commits it (nothing can change it any
 * more): status, header block, the body as one of the wire's kinds (text becomes UTF-8 bytes), whether
 * the application asked to close, its end listener, and its upgrade handler. Framing is not decided
 * here: the wire does that ({@link encodeHead}), knowing the request and the connection.
 *
 * @param res - the response after the chain and the body defaults
 * @returns the plan
 * @example
 * ```ts
 * const plan = respond(ctx.res) // handed back to the connection
 * ```
 * @internal
 */
export function respond(res: Response): ResponsePlan {
  const plan = new ResponsePlan(res.status, res.headers)
  const body = res.body
  if (typeof body === 'string') {
    const bytes = Buffer.from(body, 'utf8')
    plan.kind = BODY_BYTES
    plan.bytes = bytes
    plan.length = bytes.length
  } else if (body instanceof Uint8Array) {
    plan.kind = BODY_BYTES
    plan.bytes = body
    plan.length = body.length
  } else if (body instanceof FileBody) {
    plan.kind = BODY_FILE
    plan.file = body
    plan.length = body.length
  } else if (body instanceof SizedStream) {
    plan.kind = BODY_SIZED_STREAM
    plan.stream = body.stream
    plan.length = body.length
  } else if (body instanceof Readable) {
    plan.kind = BODY_STREAM
    plan.stream = body
  }
  plan.closeRequested = res.closeConnection
  plan.onEnd = res.takeEndListener()
  const upgrade = res.upgradeTo
  if (upgrade !== null) {
    plan.upgrade = upgrade.handler
    plan.upgradeProtocol = upgrade.protocol
  }
  res.commit()
  return plan
}
