// Every package passes publint (strict) and "Are the Types Wrong?" for an ESM-only package, as packed.
import { relative } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { PACKAGES, REPO_ROOT, buildOnce, describeRun, run, workspacePackages } from './helpers.js'

const packages = workspacePackages()

let buildError: unknown

beforeAll(async () => {
  try {
    await buildOnce()
  } catch (err) {
    // Rethrown by every test: a failed hook alone would only mark them skipped.
    buildError = err
  }
}, 180_000)

function built(): void {
  if (buildError !== undefined) throw buildError
}

describe('package lint', () => {
  it('covers every package', () => {
    expect(packages.map(p => p.name).sort()).toEqual(Object.values(PACKAGES).sort())
  })

  // Each package's two linters run concurrently with the other packages' (they only read the package and
  // pack it: publint into a temp folder, attw with `npm pack` into the package folder, then deletes the file).
  describe.concurrent.each(packages)('$name', ({ dir }) => {
    const rel = relative(REPO_ROOT, dir)

    it('publint --strict', async () => {
      built()
      const r = await run('pnpm', ['exec', 'publint', '--strict', rel], { cwd: REPO_ROOT, timeoutMs: 90_000 })
      expect(r.code, describeRun(`pnpm exec publint --strict ${rel}`, r)).toBe(0)
    }, 120_000)

    it('attw --pack --profile esm-only', async () => {
      built()
      const r = await run('pnpm', ['exec', 'attw', '--pack', rel, '--profile', 'esm-only', '--format', 'ascii'], {
        cwd: REPO_ROOT,
        timeoutMs: 90_000,
      })
      expect(r.code, describeRun(`pnpm exec attw --pack ${rel} --profile esm-only`, r)).toBe(0)
    }, 120_000)
  })
})
