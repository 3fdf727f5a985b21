import { HttpError, type HttpErrorOptions } from './errors.js'
import type { Request } from './request.js'
import type { Response } from './response.js'

/**
 * Everything a middleware gets for one request: the request, the response being built, and a
 * per-request `state` bag for passing data down the chain.
 *
 * @example
 * ```ts
 * app.use(async (ctx, next) => {
 *   ctx.state.user = 'anonymous'
 *   await next()
 * })
 * ```
 */
export class Context<S extends object = Record<string, unknown>> {
  /** The request. */
  readonly req: Request
  /** The response being built. */
  readonly res: Response
  /** Per-request data shared by the middleware. */
  state: S

  /**
   * @param req - the request
   * @param res - the response
   * @internal
   */
  constructor(req: Request, res: Response) {
    this.req = req
    this.res = res
    this.state = {} as S
  }

  /**
   * Throws an {@link HttpError}.
   *
   * @param status - 400–599
   * @param message - sent when the error is exposed (status below 500)
   * @param options - headers, cause, expose, reason
   * @throws HttpError always
   * @example
   * ```ts
   * app.use(ctx => { if (!ctx.req.headers.has('authorization')) ctx.throw(401) })
   * ```
   */
  throw(status: number, message?: string, options?: HttpErrorOptions): never {
    throw new HttpError(status, message, options)
  }
}
