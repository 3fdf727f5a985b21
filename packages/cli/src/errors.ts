/** Exit code for a command line that is wrong: unknown or malformed option, invalid configuration. */
export const EXIT_USAGE = 2
/** Exit code for a failure while starting or running: unreadable file, port in use, bad TLS key. */
export const EXIT_RUNTIME = 1

/**
 * An error the CLI reports as one line on stderr (`tinyhttp-cli: <message>`) with an exit code, never
 * with a stack trace.
 *
 * @example
 * ```ts
 * throw new CliError('unknown option --prot (did you mean --port?)', EXIT_USAGE)
 * ```
 */
export class CliError extends Error {
  /** The process exit code: {@link EXIT_USAGE} or {@link EXIT_RUNTIME}. */
  readonly exitCode: number

  /**
   * @param message - one line, without the `tinyhttp-cli:` prefix
   * @param exitCode - {@link EXIT_USAGE} (default) or {@link EXIT_RUNTIME}
   */
  constructor(message: string, exitCode: number = EXIT_USAGE) {
    super(message)
    this.name = 'CliError'
    this.exitCode = exitCode
  }
}

/**
 * Creates a usage error (exit code 2).
 *
 * @param message - what is wrong with the command line
 * @returns the error, to throw
 */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE)
}

/**
 * Creates a runtime error (exit code 1).
 *
 * @param message - what failed
 * @returns the error, to throw
 */
export function runtimeError(message: string): CliError {
  return new CliError(message, EXIT_RUNTIME)
}

/**
 * Turns any thrown value into one printable line (first line of the message, no stack).
 *
 * @param err - what was thrown
 * @returns a single line of text
 */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err)
  const first = text.split(/\r?\n/, 1)[0] ?? ''
  return first.trim() || 'unknown error'
}
