/**
 * Reload without restart (SIGHUP): a running server takes a newly resolved configuration's allowlist,
 * site rules and TLS certificate and key — all of them or none — and names the keys only a restart
 * applies.
 *
 * @module
 */
import type { Server } from 'node:net'
import { compileRules, validateRules } from 'tinyhttp-rules'
import type { BuiltApp } from './build-app.js'
import type { CliConfig } from './config.js'
import { oneLine } from './errors.js'
import { printWarning, type CliIo } from './output.js'
import { isEmptyRules, loadSiteRules } from './site-rules.js'

/**
 * The keys of a configuration a running server applies on a reload: the allow list (entries, allow
 * file, and the files under the root again), the site rules (the root's rule files and the config
 * file's rule keys), the TLS certificate and key, and the drain delay. Every other key that differs
 * is reported as `restart to apply` (under `--workers`, the rolling replacement applies them too, but
 * `port`, `host` and `workers`).
 */
export const LIVE_KEYS: ReadonlySet<keyof CliConfig> = new Set<keyof CliConfig>(['allow', 'allowSource', 'allowFile', 'siteRules', 'tls', 'drainDelay', 'configFile'])

/**
 * The keys that differ between two configurations and that a running server cannot apply: everything
 * outside {@link LIVE_KEYS}, plus `tls` when HTTPS is switched on or off (a listener cannot change
 * protocol), named as the config file names them.
 *
 * @param running - the configuration in force
 * @param next - the newly resolved one
 * @param live - the keys the caller applies itself @defaultValue {@link LIVE_KEYS}
 * @returns the keys, in the configuration's order
 * @example
 * ```ts
 * restartKeysOf(running, { ...running, port: 8080, allow: ['a.html'] }) // ['port']
 * ```
 */
export function restartKeysOf(running: CliConfig, next: CliConfig, live: ReadonlySet<keyof CliConfig> = LIVE_KEYS): string[] {
  const keys: string[] = []
  for (const key of Object.keys(running) as Array<keyof CliConfig>) {
    if (key === 'tls') {
      if ((running.tls === undefined) !== (next.tls === undefined)) keys.push('tlsCert')
      continue
    }
    if (live.has(key)) continue
    if (JSON.stringify(running[key]) !== JSON.stringify(next[key])) keys.push(key)
  }
  return keys
}

/**
 * The configuration in force after a reload: the running one with the keys a reload applies taken from
 * the new one (TLS only when both serve HTTPS).
 *
 * @param running - the configuration in force
 * @param next - the configuration applied
 * @returns the merged configuration
 * @example
 * ```ts
 * liveConfig(running, next).allow // next.allow
 * ```
 */
export function liveConfig(running: CliConfig, next: CliConfig): CliConfig {
  return {
    ...running,
    allow: next.allow,
    allowSource: next.allowSource,
    allowFile: next.allowFile,
    siteRules: next.siteRules,
    tls: running.tls !== undefined && next.tls !== undefined ? next.tls : running.tls,
    drainDelay: next.drainDelay,
    configFile: next.configFile,
  }
}

/** What a reload did. */
export interface ReloadOutcome {
  /** Files allowed by the new table. */
  readonly files: number
  /** Allow entries refused by the new table, with the reason (as at start-up). */
  readonly rejected: ReadonlyArray<{ readonly entry: string; readonly reason: string }>
  /** Allow entries that match no file now. */
  readonly unmatched: readonly string[]
  /** Keys that changed but need a restart: everything but the allow list, the site rules, TLS (unless switched on or off) and the drain delay. */
  readonly restartKeys: readonly string[]
}

/**
 * Applies a newly resolved configuration to a running server, all or nothing: first everything is
 * prepared and checked (the TLS context is made from the new certificate and key, the rule files are
 * read, validated and compiled), and only then swapped in — the allowlist's table (the one step that can
 * still fail: its root gone, or the `--spa` file not in the new table, and then the old list is put
 * back; nothing else has changed then), the rules (one reference), the certificate
 * (`tls.Server.setSecureContext`: new handshakes get it, connections already open keep theirs).
 *
 * @param built - the running app
 * @param running - the configuration in force
 * @param next - the configuration just resolved (config file, allow file and TLS files read again)
 * @returns how many files are allowed now and which changed keys need a restart
 * @throws Error with the reason when anything is wrong; the running configuration then stays whole
 * @example
 * ```ts
 * const outcome = await applyReload(built, config, await resolveConfig(args, io))
 * if (outcome.restartKeys.length > 0) console.error(`restart to apply: ${outcome.restartKeys.join(', ')}`)
 * ```
 */
export async function applyReload(built: BuiltApp, running: CliConfig, next: CliConfig): Promise<ReloadOutcome> {
  const restartKeys = restartKeysOf(running, next)
  const tlsServers = [...built.app.servers].filter(isTlsServer)
  // Prepare: nothing below changes what is served until every check passed.
  let context: { cert: Buffer; key: Buffer } | undefined
  if (next.tls !== undefined && tlsServers.length > 0) {
    const { createSecureContext } = await import('node:tls')
    try {
      createSecureContext({ cert: next.tls.cert, key: next.tls.key })
    } catch (err) {
      throw new Error(`invalid TLS certificate or key (${next.tls.certFile}, ${next.tls.keyFile}): ${(err as Error).message}`)
    }
    context = { cert: next.tls.cert, key: next.tls.key }
  }
  // The rule files of the root (which cannot change without a restart) with the file's rule keys.
  const rules = await loadSiteRules(running.root, next.siteRules, running.rootArg)
  validateRules(rules, { allowedHosts: running.allowedRedirectHosts })
  compileRules(rules)
  // Swap.
  const report = await built.allowlist.replace(next.allow)
  if (running.spa !== undefined && !report.allowed.some(f => f.urlPath === '/' + running.spa)) {
    // The SPA shell must stay served (as at start-up): put the old list back (a second swap).
    await built.allowlist.replace(running.allow)
    throw new Error(`--spa file ${running.spa} is not allowed by the new allow list`)
  }
  // Only a server started without rules and not under --watch has no rules middleware to swap into.
  if (built.rulesLive) await built.reloadRules(next.siteRules ?? EMPTY_RULES)
  else if (!isEmptyRules(rules)) restartKeys.push('siteRules')
  if (context !== undefined) for (const server of tlsServers) server.setSecureContext(context)
  return { files: report.allowed.length, rejected: report.rejected, unmatched: report.unmatched, restartKeys }
}

/** No rules: what the config file's rules become when its rule keys are removed. */
const EMPTY_RULES = Object.freeze({ headers: Object.freeze([]), routes: Object.freeze([]) })

/** A `tls.Server`, told by its shape (the CLI loads `node:tls` only for HTTPS). */
function isTlsServer(server: Server): server is Server & { setSecureContext(options: { cert: Buffer; key: Buffer }): void } {
  return typeof (server as { setSecureContext?: unknown }).setSecureContext === 'function'
}

/**
 * SIGHUP for one server: resolves the configuration again (config file, allow file, TLS files), applies
 * it, and says on stderr what the new allow list refused or found nothing for (as at start-up), then
 * `reloaded: N files allowed` (not with `--quiet`), then
 * `restart to apply: <keys>` when some changed keys need a restart, or
 * `reload failed, the running configuration stays in force: <why>`.
 *
 * @param server - the running server
 * @param resolveNext - resolves the configuration from the same command line
 * @param io - where the lines go
 * @returns once done; never rejects
 * @example
 * ```ts
 * process.on('SIGHUP', () => void reloadAndReport(server, () => resolveConfig(args, io), io))
 * ```
 */
export async function reloadAndReport(
  server: { reload(next: CliConfig): Promise<ReloadOutcome>; readonly config: CliConfig },
  resolveNext: () => Promise<CliConfig>,
  io: CliIo,
): Promise<void> {
  let outcome: ReloadOutcome
  try {
    outcome = await server.reload(await resolveNext())
  } catch (err) {
    printWarning(io, `reload failed, the running configuration stays in force: ${oneLine(err)}`)
    return
  }
  for (const r of outcome.rejected) printWarning(io, `allow entry ${JSON.stringify(r.entry)} rejected: ${r.reason}`)
  for (const e of outcome.unmatched) printWarning(io, `allow entry ${JSON.stringify(e)} matches no file`)
  if (!server.config.quiet) io.stderr.write(`tinyhttp-cli: reloaded: ${outcome.files} file${outcome.files === 1 ? '' : 's'} allowed\n`)
  if (outcome.restartKeys.length > 0) printWarning(io, `restart to apply: ${outcome.restartKeys.join(', ')}`)
}
