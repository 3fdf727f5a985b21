import { readFileSync } from 'node:fs'

let cached: string | undefined

/**
 * The package version, read from `package.json` next to the compiled module (never from the working
 * directory).
 *
 * @returns the version, e.g. `0.1.0`
 */
export function version(): string {
  if (cached === undefined) {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown }
    cached = typeof manifest.version === 'string' ? manifest.version : '0.0.0'
  }
  return cached
}
