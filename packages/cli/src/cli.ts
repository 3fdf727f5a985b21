/**
 * The command-line program: parses the arguments and runs `--help`, `--version`, `--check`, or serves
 * until SIGINT/SIGTERM. The bin (`bin.ts`) calls {@link run} and exits with its code; the library entry
 * (`index.ts`) exports it for in-process use.
 *
 * @module
 */
import cluster from 'node:cluster'
import { helpText, parseArgs } from './args.js'
import type { ProbeRecord } from './check.js'
import { resolveConfig, type CliConfig } from './config.js'
import { CliError, EXIT_RUNTIME, oneLine, runtimeError } from './errors.js'
import { printError, printWarning, processIo, type CliIo } from './output.js'
import { describeHosts } from './host-check.js'
import { awaitTable, buildApp, hostsOf } from './build-app.js'
import { serveUntilShutdown, type RunOptions } from './shutdown.js'
import { devNotice, startWith } from './start.js'
import { version } from './version.js'

function allowDescription(config: CliConfig): string {
  if (config.allowSource === 'default') return '**/* (default: every file that is not a dotfile)'
  const list = config.allow.map(e => JSON.stringify(e)).join(', ')
  return config.allowFile === undefined ? list : `${list} (with ${config.allowFile})`
}

/**
 * `--check`: builds the chain without listening, probes every allowed URL (and a path of each redirect
 * and rewrite rule) with an in-memory HEAD request, prints the tables, the headers and the rules (JSON
 * with `--log-format json`).
 *
 * @param config - the configuration
 * @param io - streams
 * @returns 0 when something would be served, else 1
 */
async function checkCommand(config: CliConfig, io: CliIo): Promise<number> {
  const [{ recordReasons, runCheck }, { formatCheck }] = await Promise.all([import('./check.js'), import('./check-format.js')])
  const reasons = new Map<string, ProbeRecord>()
  const built = await buildApp(config, recordReasons(reasons))
  try {
    const table = await awaitTable(built, config).catch((err: unknown) => {
      throw err instanceof CliError ? err : runtimeError(`cannot read the root ${config.root}: ${oneLine(err)}`)
    })
    const report = await runCheck(built.app, reasons, table, {
      root: config.root,
      precompressed: config.precompressed,
      compress: config.compress,
      idle: () => built.compressionIdle(),
      rules: built.siteRules,
      presets: {
        ...(config.cache !== undefined ? { cache: config.cache } : {}),
        isolate: config.isolate,
        ...(config.securityHeaders ? { securityHeaders: { tls: config.tls !== undefined } } : {}),
      },
      ...(config.spa !== undefined ? { spa: config.spa } : {}),
    })
    const hosts = hostsOf(config)
    const hostsText = describeHosts(hosts, config.host, config.allowedHosts === 'all')
    // --dev changes what every page is (a script injected, no-cache): say so first, loudly.
    if (config.dev !== undefined) printWarning(io, devNotice(config))
    io.stdout.write(
      config.logFormat === 'json'
        ? JSON.stringify({ ...report, hosts: { check: hosts.check, names: hosts.names }, dev: config.dev ?? false }, null, 2) + '\n'
        : (config.dev !== undefined ? `!!! ${devNotice(config)} !!!\n` : '') + formatCheck(report, allowDescription(config), hostsText),
    )
    if (report.served.length === 0) {
      printError(io, `nothing would be served from ${config.rootArg}`)
      return EXIT_RUNTIME
    }
    return 0
  } finally {
    await built.close(0)
  }
}

/**
 * Runs the command line: `--help`, `--version`, `--print-schema`, `--check`, `healthcheck [url]` (exit 0
 * ready, 1 not), or serves until SIGINT/SIGTERM (with `--workers`, as the cluster primary or one of its workers). Never throws: errors are printed as one
 * line on stderr and turned into the exit code.
 *
 * @param argv - the arguments, without `node` and the script
 * @param io - streams and environment @defaultValue the process's
 * @param options - signal handling
 * @returns the exit code: 0 (done, or shut down by a signal), 1 (runtime error), 2 (usage error)
 * @example
 * ```ts
 * process.exitCode = await run(process.argv.slice(2))
 * ```
 */
export async function run(argv: readonly string[], io: CliIo = processIo(), options: RunOptions = {}): Promise<number> {
  try {
    // A subcommand is the first word (serve a folder named so as ./healthcheck).
    // Each command imports its own modules: serving never loads the others (docs/ARCHITECTURE.md, "Start-up").
    if (argv[0] === 'healthcheck' && !cluster.isWorker) return await (await import('./healthcheck.js')).healthcheck(argv.slice(1), io)
    const args = parseArgs(argv)
    if (args.options.help === true) {
      io.stdout.write(helpText(version()))
      return 0
    }
    if (args.options.version === true) {
      io.stdout.write(version() + '\n')
      return 0
    }
    if (args.options['print-schema'] === true) {
      io.stdout.write((await import('./schema.js')).schemaText())
      return 0
    }
    if (cluster.isWorker) return await (await import('./workers.js')).runWorker(argv, io)
    const config = await resolveConfig(args, io)
    if (config.check) return await checkCommand(config, io)
    if (config.workers > 1) return await (await import('./workers.js')).runPrimary(config, argv, io, options)
    // SIGHUP resolves the same command line again: the config file, the allow file, the TLS files.
    return await serveUntilShutdown(() => startWith(config, io), io, options, async server => {
      const { reloadAndReport } = await import('./reload.js')
      return reloadAndReport(server, () => resolveConfig(args, io), io)
    })
  } catch (err) {
    if (err instanceof CliError) {
      printError(io, err.message)
      return err.exitCode
    }
    printError(io, oneLine(err))
    return EXIT_RUNTIME
  }
}
