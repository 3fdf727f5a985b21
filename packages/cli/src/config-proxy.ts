/**
 * The client address behind load balancers: `--proxy-protocol`, `--trusted-proxies` and `--trust-proxy`
 * checked into CIDR lists.
 *
 * @module
 */
import { CidrError, parseCidrList, type CidrList } from 'tinyhttp-core'
import type { ParsedArgs } from './args.js'
import { usageError } from './errors.js'

/** What the three options resolve to. */
export interface ProxyConfig {
  /** `--proxy-protocol`: the addresses allowed to send a PROXY header (`--trusted-proxies`), or undefined when off. */
  proxyProtocol: CidrList | undefined
  /** `--trust-proxy`: whose `Forwarded`/`X-Forwarded-For` to believe, or undefined (never). */
  trustProxy: CidrList | undefined
}

function cidrs(flag: string, values: readonly string[] | undefined): CidrList | undefined {
  if (values === undefined) return undefined
  try {
    return parseCidrList(values.flatMap(v => v.split(',')))
  } catch (err) {
    if (err instanceof CidrError) throw usageError(`${flag}: ${err.message}`)
    throw err
  }
}

/**
 * Checks the proxy options: every range must parse (exit 2 naming the flag and the entry), and
 * `--proxy-protocol` and `--trusted-proxies` go together (a PROXY header believed from anyone would let
 * anyone pick their address; a list without the protocol would do nothing).
 *
 * @param options - the parsed options
 * @returns the lists
 * @throws CliError (exit code 2)
 * @example
 * ```ts
 * resolveProxyConfig({ 'proxy-protocol': true, 'trusted-proxies': ['10.0.0.0/8,::1'] }).proxyProtocol?.contains('10.1.2.3') // true
 * ```
 */
export function resolveProxyConfig(options: ParsedArgs['options']): ProxyConfig {
  const trusted = cidrs('--trusted-proxies', options['trusted-proxies'] as string[] | undefined)
  const trustProxy = cidrs('--trust-proxy', options['trust-proxy'] as string[] | undefined)
  const on = options['proxy-protocol'] === true
  if (on && trusted === undefined) {
    throw usageError('--proxy-protocol needs --trusted-proxies <cidrs>: the addresses of the load balancers allowed to send the header')
  }
  if (!on && trusted !== undefined) throw usageError('--trusted-proxies is for --proxy-protocol: add --proxy-protocol, or use --trust-proxy for X-Forwarded-For')
  return { proxyProtocol: on ? trusted : undefined, trustProxy }
}
