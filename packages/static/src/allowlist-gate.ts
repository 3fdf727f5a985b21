import type { AdmissionDecision, AdmittedFile } from 'tinyhttp-core'

/**
 * How static reads the allowlist's decision in `ctx.state.allowlist` (docs/PLUGIN-CONTRACT.md, "One
 * path, one file"): static never imports tinyhttp-allowlist; the shape of what the allowlist leaves there
 * is tinyhttp-core's `AdmittedFile`.
 *
 * @module
 */

/**
 * The fields of an allowlist hit that static reads: tinyhttp-core's {@link AdmittedFile}, under the name
 * static has exported it by.
 *
 * @example
 * ```ts
 * const hit: AllowlistHitShape = { urlPath: '/a.txt', file: '/srv/www/a.txt', root: '/srv/www', size: 3, mtimeMs: 0, kind: 'file' }
 * ```
 */
export type AllowlistHitShape = AdmittedFile

/**
 * What an allowlist leaves in `ctx.state.allowlist`: tinyhttp-core's {@link AdmissionDecision}.
 *
 * @example
 * ```ts
 * const decision = ctx.state.allowlist as AllowlistDecision
 * if (decision === null) return next()
 * ```
 */
export type AllowlistDecision = AdmissionDecision

/**
 * The allowlist's resolution of this request's path, when static may take it instead of resolving the
 * path itself: a hit of kind `'file'` for exactly this canonical path. (Its `root` must still equal
 * static's real root: the caller checks that, see `sameResolution` in serve-static.ts.) A hit for
 * `/dir/` or `/dir` is not taken: static maps folders with its own `index` option and redirect rule.
 *
 * @param decision - `ctx.state.allowlist` (anything: a forged or foreign value is simply not taken)
 * @param path - the request's canonical path
 * @returns the hit, or undefined when static resolves the path itself
 * @example
 * ```ts
 * resolutionOf({ urlPath: '/a.txt', file: '/srv/www/a.txt', root: '/srv/www', size: 3, mtimeMs: 0, kind: 'file' }, '/a.txt') // the hit
 * resolutionOf({ urlPath: '/', file: '/srv/www/index.html', root: '/srv/www', size: 9, mtimeMs: 0, kind: 'index' }, '/')      // undefined
 * resolutionOf(undefined, '/a.txt')                                                                                              // undefined
 * ```
 */
export function resolutionOf(decision: unknown, path: string): AllowlistHitShape | undefined {
  if (typeof decision !== 'object' || decision === null) return undefined
  const hit = decision as Partial<AllowlistHitShape>
  if (hit.kind !== 'file' || hit.urlPath !== path) return undefined
  return typeof hit.file === 'string' && typeof hit.root === 'string' ? (hit as AllowlistHitShape) : undefined
}

/**
 * Whether the allowlist admitted exactly this canonical path (and, when `real` is given, exactly this
 * real file): the condition for serving a path with a dot segment under `dotfiles: 'allowlisted'`.
 *
 * @remarks
 * The allowlist admits a path with a dot segment only when the user spelled that segment exactly (an
 * exact entry, or the folder part of a folder entry), never through a wildcard. Comparing the real
 * file makes static serve the very file the allowlist checked: with the same root static took the
 * hit's resolution ({@link resolutionOf}), so they agree; with another root static resolved the path
 * itself, and when that gives another file, nothing is served.
 *
 * @param decision - `ctx.state.allowlist`
 * @param path - the request's canonical path
 * @param real - the real path of the file static would serve (omit before resolving)
 * @returns true when the hit is for this path (and this file)
 * @example
 * ```ts
 * admitsExactly({ urlPath: '/.env', file: '/srv/www/.env' }, '/.env', '/srv/www/.env') // true
 * admitsExactly({ urlPath: '/.env', file: '/srv/www/.env' }, '/.env', '/srv/old/.env') // false
 * admitsExactly(undefined, '/.env')                                                    // false
 * ```
 */
export function admitsExactly(decision: unknown, path: string, real?: string): boolean {
  if (typeof decision !== 'object' || decision === null) return false
  const hit = decision as { urlPath?: unknown; file?: unknown }
  return hit.urlPath === path && (real === undefined || hit.file === real)
}
