/**
 * curl, Debian's package (`.ci/run` installs it), as a real client in the tests.
 *
 * @module
 */
import { execFileSync } from 'node:child_process'

let version: string | undefined

/**
 * The output of `curl --version` (names the codings it decodes: `brotli`, `zstd`), read once.
 *
 * @throws Error naming the package to install when curl is absent: a test that needs a real client
 *   fails rather than skips
 * @example
 * ```ts
 * const expected = /\bbrotli\b/i.test(curlVersion()) ? 'br' : 'gzip'
 * ```
 */
export function curlVersion(): string {
  if (version === undefined) {
    try {
      version = execFileSync('curl', ['--version'], { encoding: 'utf8' })
    } catch {
      version = ''
    }
  }
  if (version === '') throw new Error('curl is not installed: apt-get install -y curl (.ci/run installs it)')
  return version
}
