/**
 * tinyhttp-cli: serve a folder safely from the command line, only the files you allow.
 *
 * The bin (`tinyhttp-cli`) is a thin wrapper around {@link run}; {@link start} serves in-process. This
 * is everything a library user needs; the rest of the implementation (the argument parser, the access
 * log, the `--check` report, …) is private and may change.
 *
 * @example
 * ```ts
 * import { run, start } from 'tinyhttp-cli'
 *
 * // Like the command line: resolves with the exit code once the server has shut down.
 * process.exitCode = await run(['public', '--port', '8080'])
 *
 * // In-process, e.g. in tests:
 * const server = await start(['public', '--port', '0', '-q'])
 * console.log(server.url) // http://127.0.0.1:<port>
 * await server.close()
 * ```
 *
 * @packageDocumentation
 */
export { run } from './cli.js'
export { CliError, EXIT_RUNTIME, EXIT_USAGE } from './errors.js'
export type { CliConfig, TlsConfig } from './config.js'
export type { DevMode } from './config-dev.js'
export type { ConfigFileContents } from './config-file.js'
export type { LoadedConfigFile } from './config-file-load.js'
export type { ErrorPageFiles, ErrorPageStatus } from './error-pages.js'
export type { AdminAddress, AdminConfig } from './config-admin.js'
export type { CliIo, OutputStream } from './output.js'
export { start, type StartOptions, type StartedServer } from './start.js'
export type { RunOptions } from './shutdown.js'
export { Readiness, type ReadinessReport, type ReadinessState } from './readiness.js'
export type { ReloadOutcome } from './reload.js'
export { version } from './version.js'
