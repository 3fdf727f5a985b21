import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'

/** A self-signed certificate for localhost made by openssl in a temp dir (removed with `remove`). */
export interface TestCert {
  dir: string
  keyFile: string
  certFile: string
  key: Buffer
  cert: Buffer
  remove(): void
}

/** Whether openssl runs here (a Debian package that .ci/run installs); without it no certificate can be made. */
export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Makes the certificate (openssl is a Debian package that .ci/run installs). */
export function makeCert(): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'tinyhttp-proxy-tls-'))
  const keyFile = join(dir, 'key.pem')
  const certFile = join(dir, 'cert.pem')
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost'],
    { stdio: 'ignore', timeout: 20_000 },
  )
  return { dir, keyFile, certFile, key: readFileSync(keyFile), cert: readFileSync(certFile), remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/**
 * The certificate of one test file: made before its tests and removed after them (vitest hooks, so call it
 * at the top level of the file). Without openssl `available` is false: skip the tests that need `cert()`.
 */
export function certForFile(): { available: boolean; cert(): TestCert } {
  const available = hasOpenssl()
  let made: TestCert | undefined
  beforeAll(() => {
    if (available) made = makeCert()
  })
  afterAll(() => made?.remove())
  return {
    available,
    cert(): TestCert {
      if (made === undefined) throw new Error('no certificate: openssl is missing or beforeAll has not run')
      return made
    },
  }
}
