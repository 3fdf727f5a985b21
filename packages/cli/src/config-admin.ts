/**
 * The options of the admin listener and the health path: `--admin [HOST:]PORT`, `--health-path /path`.
 *
 * @module
 */
import { isIP } from 'node:net'
import { canonicalizePath } from 'tinyhttp-core'
import { usageError } from './errors.js'

/** Where the admin listener binds. */
export interface AdminAddress {
  /** The address (loopback unless one was given). */
  host: string
  /** The port (0 picks a free one). */
  port: number
}

/** The admin part of a `CliConfig`. */
export interface AdminConfig {
  /** `--admin`: where the admin listener (livez, readyz, metrics) binds, or `undefined` (off). */
  admin: AdminAddress | undefined
  /** `--health-path`: the readiness path answered on the public port, or `undefined` (off). */
  healthPath: string | undefined
}

/** The admin listener's address when `--admin` names only a port. */
export const DEFAULT_ADMIN_HOST = '127.0.0.1'

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i

/**
 * Reads `--admin`: `PORT` (on 127.0.0.1), `HOST:PORT`, or `[IPv6]:PORT`. A non-loopback host is used only
 * when written out: the listener never leaves loopback by default.
 *
 * @param text - the value
 * @returns the address
 * @throws CliError (exit code 2) for anything else
 * @example
 * ```ts
 * parseAdminAddress('9464') // { host: '127.0.0.1', port: 9464 }
 * parseAdminAddress('0.0.0.0:9464') // { host: '0.0.0.0', port: 9464 }
 * parseAdminAddress('[::1]:9464') // { host: '::1', port: 9464 }
 * ```
 */
export function parseAdminAddress(text: string): AdminAddress {
  const bad = (): Error => usageError(`--admin takes [HOST:]PORT, e.g. 9464 or 127.0.0.1:9464 or [::1]:9464, got ${JSON.stringify(text)}`)
  let host = DEFAULT_ADMIN_HOST
  let portText = text
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(text)
  if (v6 !== null) {
    host = v6[1] as string
    portText = v6[2] as string
    if (isIP(host) !== 6) throw bad()
  } else if (text.includes(':')) {
    const at = text.lastIndexOf(':')
    host = text.slice(0, at)
    portText = text.slice(at + 1)
    if (host.includes(':') || (isIP(host) === 0 && !HOSTNAME.test(host))) throw bad()
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw bad()
  return { host, port: Number(portText) }
}

/**
 * Reads `--health-path`: an absolute path in canonical form (what a request for it is matched against).
 *
 * @param text - the value
 * @returns the path
 * @throws CliError (exit code 2) for a path that is not canonical (`healthz`, `/a/../b`, `/x%2Fy`)
 * @example
 * ```ts
 * parseHealthPath('/healthz') // '/healthz'
 * ```
 */
export function parseHealthPath(text: string): string {
  const canonical = canonicalizePath(text)
  if (!text.startsWith('/') || !canonical.ok || canonical.path !== text || text.includes('?')) {
    throw usageError(`--health-path takes a plain absolute path like /healthz, got ${JSON.stringify(text)}`)
  }
  return text
}

/**
 * The admin options of a parsed command line.
 *
 * @param options - the parsed options (`admin`, `health-path`)
 * @returns `admin` (undefined: off) and `healthPath` (undefined: off)
 * @throws CliError (exit code 2) for a bad value
 * @example
 * ```ts
 * resolveAdminOptions({ admin: '9464' }) // { admin: { host: '127.0.0.1', port: 9464 }, healthPath: undefined }
 * ```
 */
export function resolveAdminOptions(options: Readonly<Record<string, unknown>>): AdminConfig {
  const admin = options.admin
  const health = options['health-path']
  return {
    admin: typeof admin === 'string' ? parseAdminAddress(admin) : undefined,
    healthPath: typeof health === 'string' ? parseHealthPath(health) : undefined,
  }
}
