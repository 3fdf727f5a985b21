/**
 * tinyhttp-rules: site rules — headers per path, redirects, rewrites, clean URLs and trailing slashes —
 * read from Netlify / Cloudflare Pages `_headers` and `_redirects` files and from `serve.json`, matched on
 * the canonical decoded path through one segment trie (the cost of a lookup does not grow with the
 * number of rules), and checked at load: refused headers, hostile destinations, redirect cycles and rules
 * that can never match are errors naming the file and line.
 *
 * @example
 * ```ts
 * import { canonicalizePath } from 'tinyhttp-core'
 * import { compileRules, mergeRules, parseHeaders, parseRedirects } from 'tinyhttp-rules'
 *
 * const compiled = compileRules(
 *   mergeRules([parseHeaders(headersText, '_headers'), parseRedirects(redirectsText, '_redirects')]),
 *   { allowedHosts: ['docs.example'] },
 * )
 * const path = canonicalizePath('/news/2024/hello')
 * if (path.ok) compiled.route(path.segments, path.trailingSlash)?.target // '/blog/2024/hello'
 * ```
 *
 * @packageDocumentation
 */
export { compileRules, type CompiledRules, type RouteMatch } from './compile.js'
export { destinationProblem, destinationRefs, fillDestination, parseDestination, type Destination } from './destination.js'
export { RulesConfigError, type RuleSource } from './errors.js'
export { FORBIDDEN_HEADER_NAMES, headerProblem } from './header-policy.js'
export { parseHeaders } from './import-headers.js'
export { parseRedirects } from './import-redirects.js'
export { parseServeJson, serveJsonRules } from './import-serve-json.js'
export {
  mergeRules,
  type HeaderRule,
  type RedirectRule,
  type RedirectStatus,
  type RewriteRule,
  type RouteRule,
  type SiteRules,
  type TrailingSlash,
} from './model.js'
export { captureNames, compilePattern, tryCompilePattern, type PathPattern, type PatternSegment, type PatternSyntax } from './pattern.js'
export { PatternTrie, type PatternMatch } from './trie.js'
export { validateRules, type ValidateOptions } from './validate.js'
export { rules, type RulesMiddleware, type RulesOptions } from './middleware.js'
export { applyEdits, carriesEdits, fileHeaders, headerLayer, type FileHeaderSource, type HeaderEdit, type HeaderLayer, type LayerStamp } from './precompute.js'
export { resolveCleanPath, type CleanDecision, type CleanSettings } from './clean-urls.js'
export { IMMUTABLE, ISOLATE_HEADERS, cacheSpaHeaders, isHashedName, securityHeaders, type PresetHeader } from './presets.js'
export { presets, type PresetOptions, type PresetsMiddleware } from './presets-middleware.js'
