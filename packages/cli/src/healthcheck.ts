/**
 * `tinyhttp-cli healthcheck [url] [options]`: asks a server whether it is ready, for a container's
 * `HEALTHCHECK` (no curl needed). Exit 0 when the answer is 200, else 1 with one line saying why; never
 * another code (Docker reserves 2).
 *
 * @module
 */
import { parseArgs } from './args.js'
import { loadConfigFile, mergeWithFile } from './config-file-load.js'
import { parseAdminAddress } from './config-admin.js'
import { oneLine } from './errors.js'
import { probe, ProbeError } from './http-probe.js'
import type { CliIo } from './output.js'

/** How long a healthcheck waits for the whole exchange. */
export const HEALTHCHECK_TIMEOUT_MS = 2_000

/**
 * The URL a healthcheck asks: the one given, else `/readyz` on the `--admin` address found on the
 * command line after `healthcheck` or in the config file (`--config`, else `./tinyhttp.json`). A
 * wildcard admin address (`0.0.0.0`, `::`) is asked on loopback.
 *
 * @param argv - the words after `healthcheck`
 * @param cwd - where `tinyhttp.json` is looked for
 * @returns the URL
 * @throws Error with a one-line message when there is no URL and no `--admin`, or a value is wrong
 * @example
 * ```ts
 * await healthcheckUrl(['http://127.0.0.1:9464/readyz'], process.cwd()) // that URL
 * await healthcheckUrl(['--admin', '9464'], process.cwd()) // http://127.0.0.1:9464/readyz
 * ```
 */
export async function healthcheckUrl(argv: readonly string[], cwd: string): Promise<URL> {
  const given = argv.find(word => /^https?:\/\//i.test(word))
  if (given !== undefined) {
    try {
      return new URL(given)
    } catch {
      throw new Error(`not a URL: ${JSON.stringify(given)}`)
    }
  }
  const args = parseArgs(argv)
  if (args.root !== undefined) throw new Error(`not a URL: ${JSON.stringify(args.root)} (give http://host:port/readyz, or --admin [HOST:]PORT)`)
  const merged = mergeWithFile(await loadConfigFile(args, cwd), args)
  const admin = merged.options.admin
  if (typeof admin !== 'string') throw new Error('no admin listener configured: give a URL, --admin [HOST:]PORT, or a tinyhttp.json with "admin"')
  const { host, port } = parseAdminAddress(admin)
  const loopback = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host
  return new URL(`http://${loopback.includes(':') ? `[${loopback}]` : loopback}:${port}/readyz`)
}

/**
 * Runs the healthcheck: prints `ready` (stdout) and returns 0 on a 200; otherwise prints one line on
 * stderr — `not ready: draining` (the server's own reason on a 503), `unexpected status 404 from
 * http://…`, `cannot connect to 127.0.0.1:9464: ECONNREFUSED`, `no answer from … within 2 s` — and
 * returns 1.
 *
 * @param argv - the words after `healthcheck`
 * @param io - streams and working directory
 * @param timeoutMs - time limit @defaultValue {@link HEALTHCHECK_TIMEOUT_MS}
 * @returns 0 or 1
 * @example
 * ```ts
 * process.exitCode = await healthcheck(['http://127.0.0.1:9464/readyz'], processIo())
 * ```
 */
export async function healthcheck(argv: readonly string[], io: CliIo, timeoutMs = HEALTHCHECK_TIMEOUT_MS): Promise<number> {
  const fail = (line: string): number => {
    io.stderr.write(`${line.replace(/[\r\n]+/g, ' ').trim()}\n`)
    return 1
  }
  let url: URL
  try {
    url = await healthcheckUrl(argv, io.cwd)
  } catch (err) {
    return fail(`healthcheck: ${oneLine(err)}`)
  }
  try {
    const answer = await probe(url, timeoutMs)
    const firstLine = (answer.body.split('\n', 1)[0] ?? '').trim().slice(0, 200)
    if (answer.status === 200) {
      io.stdout.write('ready\n')
      return 0
    }
    if (answer.status === 503) return fail(firstLine.startsWith('not ready') ? firstLine : `not ready: ${firstLine || 'status 503'}`)
    return fail(`unexpected status ${answer.status} from ${url.href}`)
  } catch (err) {
    return fail(err instanceof ProbeError ? err.message : oneLine(err))
  }
}
