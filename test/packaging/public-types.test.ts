// The public .d.ts as built: every package's entry type-checks on its own (skipLibCheck off, so a name
// that stripInternal removed but something still references is an error), and the core's internals
// (`Connection`, the head memo) are not in it.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT, buildOnce, describeRun, run, workspacePackages } from './helpers.js'

let buildError: unknown
const scratch = mkdtempSync(join(tmpdir(), 'tinyhttp-public-types-'))

beforeAll(async () => {
  try {
    await buildOnce()
  } catch (err) {
    // Rethrown by every test: a failed hook alone would only mark them skipped.
    buildError = err
  }
}, 180_000)

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

function built(): void {
  if (buildError !== undefined) throw buildError
}

/** Every `.d.ts` under a folder, recursively. */
function declarationFiles(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...declarationFiles(path))
    else if (entry.name.endsWith('.d.ts')) out.push(path)
  }
  return out
}

describe('public types', () => {
  it('every package entry type-checks with skipLibCheck off', async () => {
    built()
    const entries = workspacePackages().map(p => join(p.dir, 'dist/index.d.ts'))
    const config = join(scratch, 'tsconfig.json')
    writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(REPO_ROOT, 'node_modules/@types')],
        },
        files: entries,
      }),
    )
    const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc')
    const r = await run(process.execPath, [tsc, '-p', config], { cwd: REPO_ROOT, timeoutMs: 120_000 })
    expect(r.code, describeRun(`tsc -p ${config}`, r)).toBe(0)
  }, 150_000)

  it("the core's .d.ts declare no Connection, no head memo, no PreparedHeaders.memo", () => {
    built()
    const text = declarationFiles(join(REPO_ROOT, 'packages/core/dist'))
      .map(f => readFileSync(f, 'utf8'))
      .join('\n')
    expect(text).not.toMatch(/declare class Connection\b/)
    expect(text).not.toMatch(/declare class HeadMemo\b/)
    expect(text).not.toMatch(/^\s*memo\b/m)
    expect(text).not.toMatch(/\bownFields\b|\bserializeOwn\b/)
  })
})
