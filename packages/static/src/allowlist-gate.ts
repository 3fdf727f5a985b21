/**
 * How static reads the allowlist's decision in `ctx.state.allowlist` (see docs/PLUGIN-CONTRACT.md):
 * static never imports the allowlist, it only relies on the shape of what the allowlist leaves there.
 *
 * @module
 */

/**
 * What an allowlist (or any gate honouring the same contract) leaves in `ctx.state.allowlist`:
 * - `undefined`: no allowlist ran for this request;
 * - `null`: an allowlist ran and did **not** admit this path (it let the chain go on, `onDeny: 'next'`):
 *   static then serves nothing and calls `next()`;
 * - an object: the allowlist admitted this canonical path (`urlPath`) for this real file (`file`).
 *
 * @example
 * ```ts
 * const decision = ctx.state.allowlist as AllowlistDecision
 * if (decision === null) return next()
 * ```
 */
export type AllowlistDecision = undefined | null | { readonly urlPath: string; readonly file: string }

/**
 * Whether the allowlist admitted exactly this canonical path (and, when `real` is given, exactly this
 * real file): the condition for serving a path with a dot segment under `dotfiles: 'allowlisted'`.
 *
 * @remarks
 * The allowlist admits a path with a dot segment only when the user spelled that segment exactly (an
 * exact entry, or the folder part of a folder entry), never through a wildcard. Comparing the real
 * file makes static serve the very file the allowlist checked, not another one that a different root or
 * a moved symlink would give for the same path: when they differ, nothing is served.
 *
 * @param decision - `ctx.state.allowlist`
 * @param path - the request's canonical path
 * @param real - the real path static resolved for it (omit before resolving)
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
