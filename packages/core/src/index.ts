/**
 * tinyhttp-core: a from-scratch HTTP/1.1 server core — a strict incremental parser on `node:net`,
 * the connection loop (keep-alive, pipelining, timeouts, back-pressure) and an onion middleware chain.
 *
 * @example
 * ```ts
 * import { createApp } from 'tinyhttp-core'
 *
 * const app = createApp()
 * app.use(async (ctx, next) => {
 *   await next()
 *   ctx.res.headers.set('Access-Control-Allow-Origin', '*')
 * })
 * app.use(ctx => {
 *   ctx.res.headers.set('Content-Type', 'text/plain; charset=utf-8')
 *   ctx.res.body = 'hello'
 * })
 * await app.listen(7878, '127.0.0.1')
 * ```
 *
 * @packageDocumentation
 */
export { App, createApp, type AppOptions } from './app.js'
export { CidrError, CidrList, parseCidrList } from './proxy/cidr.js'
export { clientBehindProxies, type ForwardedNode } from './proxy/forwarded.js'
export type { ListenOptions, ProxyProtocolOptions } from './proxy/proxy-listener.js'
export {
  DEFAULT_MAX_TLV_BYTES,
  ProxyProtocolError,
  type ProxyEndpoint,
  type ProxyErrorCode,
  type ProxyFamily,
  type ProxyHeader,
  type ProxyParserLimits,
  type ProxyTlv,
} from './proxy/proxy-header.js'
export type { ParsedProxyHeader } from './proxy/parse-v1.js'
export { ProxyHeaderParser, parseProxyHeader, type ProxyParseStep } from './proxy/proxy-parser.js'
export { InjectError, type InjectErrorCode, type InjectOptions, type InjectResult } from './inject.js'
export type { InjectRequest } from './inject-request.js'
export { afterNext, completedSynchronously, compose, type ComposeOptions } from './compose.js'
export { createDebug, type DebugLogger } from './debug-log.js'
export { Context } from './context.js'
export { HttpError, isHttpError, type HttpErrorOptions } from './errors.js'
export { FileBody, SizedStream, disposeBody, type FileBodyOptions } from './http/file-body.js'
export { DEFAULT_BODY_LIMIT, Request } from './request.js'
export { RequestBody } from './request-body.js'
export { Response, type JsonBody, type ResponseBody, type ResponseEndListener, type UpgradeHandler, type UpgradeLifecycle } from './response.js'
export { renderError } from './render-error.js'
export type { ResponseReason, ResponseReasonKinds } from './response-reason.js'
export { contentEtag, etagMatches } from './entity-tag.js'
export {
  CODING_PREFERENCE,
  hasNoTransform,
  negotiateEncoding,
  runtimeCodings,
  type ContentCoding,
} from './content-coding.js'
export { isCompressibleType, type CompressibleLookup } from './compressible-type.js'
export type { AdmissionDecision, AdmittedFile } from './admitted-file.js'
export type { Middleware, Next } from './types.js'
export { RequestHeaders } from './http/request-headers.js'
export { PreparedHeaders, ResponseHeaders } from './http/response-headers.js'
export { isSafeFieldValue, isToken } from './http/field-validation.js'
export { STATUS_TEXT, statusHasNoBody } from './http/status-text.js'
export { KNOWN_METHODS, isKnownMethod } from './http/methods.js'
export { RequestParser, type ParserHandler } from './http/parser.js'
export {
  ResponseReader,
  ResponseParseError,
  type ReadResponse,
  type ResponseFraming,
  type ResponseHead,
  type ResponseParseErrorCode,
  type ResponseReaderOptions,
} from './http/response-reader.js'
export { ReceivedHeaders } from './http/received-headers.js'
export type { RequestHead } from './http/request-head.js'
export type { Peer } from './http/peer.js'
export { DEFAULT_PARSER_LIMITS, type ParserLimits } from './http/parser-limits.js'
export { PARSE_ERROR_STATUS, type ParseErrorCode } from './http/parse-error.js'
export { WIRE_REJECTION_STATUS, WireStats, type WireRejectionCode } from './http/wire-stats.js'
export { canonicalizePath, type CanonicalPath, type PathRejection } from './path/canonical-path.js'
export { encodePath } from './path/encode-path.js'
