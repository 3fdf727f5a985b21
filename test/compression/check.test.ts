/**
 * Issue 11, `tinyhttp-cli --check`: for every URL, the sizes of br and gzip (zstd when this Node has it)
 * and where each comes from — `disk` (a `--precompressed` sibling) or `runtime` (made by the server) —
 * or `-` when that coding is never served. The sizes are checked against what a running CLI actually
 * sends for the same file, so the table cannot drift from the wire.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { cleanupTemp, ensureBuilt, killAll, spawnCli } from '../cli/helpers.js'
import { NEVER_COMPRESSED, fileOf, makeSite, type Site } from './fixture.js'
import { CODINGS, HAS_ZSTD, startSite, waitForCoding } from './wire.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

/** Runs `--check` with more arguments; returns stdout (exit code 0 asserted). */
async function check(site: Site, args: readonly string[]): Promise<string> {
  const cli = spawnCli([site.root, '--check', ...args], { cwd: site.cwd })
  const { code } = await cli.exited(60_000)
  expect(code, cli.stderr()).toBe(0)
  return cli.stdout()
}

/** The "Served" table as rows of cells keyed by the header names (columns are 2+ spaces apart). */
function servedTable(out: string): Map<string, Record<string, string>> {
  const lines = out.split('\n')
  const start = lines.findIndex(l => /^Served \(/.test(l))
  const header = (lines[start + 1] as string).trim().split(/\s{2,}/)
  const rows = new Map<string, Record<string, string>>()
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('  ')) break
    const cells = line.trim().split(/\s{2,}/)
    rows.set(cells[0] as string, Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])))
  }
  return rows
}

/** Byte length of the variant a running CLI sends for each coding of each file. */
async function wireSizes(site: Site, names: readonly string[]): Promise<Map<string, number>> {
  const cli = await startSite(site)
  const sizes = new Map<string, number>()
  for (const name of names) for (const coding of CODINGS) sizes.set(`${name} ${coding}`, (await waitForCoding(cli.port, `/${name}`, coding, fileOf(site, name))).body.length)
  return sizes
}

describe('--check shows the codings', () => {
  it('columns BR and GZIP (ZSTD only when Node has it); run-time sizes equal the bytes a running CLI sends', async () => {
    const site = makeSite()
    const out = await check(site, [])
    const header = out.split('\n').find(l => /^\s+URL\s/.test(l)) as string
    expect(header).toMatch(/\sBR\s/)
    expect(header).toMatch(/\sGZIP(\s|$)/)
    expect(/\sZSTD(\s|$)/.test(header)).toBe(HAS_ZSTD)
    const rows = servedTable(out)
    const sizes = await wireSizes(site, ['app.js', 'style.css', 'index.html'])
    for (const name of ['app.js', 'style.css', 'index.html']) {
      const row = rows.get(`/${name}`)
      expect(row, name).toBeDefined()
      expect(row!.SIZE).toBe(String(fileOf(site, name).length))
      for (const coding of CODINGS) expect(row![coding.toUpperCase()], `${name} ${coding}`).toBe(`${sizes.get(`${name} ${coding}`)} runtime`)
    }
    for (const name of NEVER_COMPRESSED) {
      const row = rows.get(`/${name}`)
      expect(row, name).toBeDefined()
      for (const coding of CODINGS) expect(row![coding.toUpperCase()], `${name} ${coding}`).toBe('-')
    }
  }, 120_000)

  it('--precompressed: the siblings are "disk" with their own sizes; a file without one is "runtime"', async () => {
    const site = makeSite({ precompressed: true })
    const rows = servedTable(await check(site, ['--precompressed']))
    expect(rows.get('/app.js')!.BR).toBe(`${fileOf(site, 'app.js.br').length} disk`)
    expect(rows.get('/app.js')!.GZIP).toBe(`${fileOf(site, 'app.js.gz').length} disk`)
    expect(rows.get('/style.css')!.BR).toMatch(/^\d+ runtime$/)
  }, 60_000)

  it('--no-compress: nothing made at run time; --precompressed siblings still "disk"', async () => {
    const site = makeSite({ precompressed: true })
    const off = await check(site, ['--no-compress'])
    expect(off).not.toMatch(/runtime/)
    const rows = servedTable(await check(site, ['--no-compress', '--precompressed']))
    expect(rows.get('/app.js')!.BR).toBe(`${fileOf(site, 'app.js.br').length} disk`)
    const css = rows.get('/style.css')!
    expect(css.BR === undefined || css.BR === '-', `style.css br: ${css.BR}`).toBe(true)
    expect(Object.values(css).join(' ')).not.toMatch(/runtime/)
  }, 60_000)

  it('--log-format json: the same facts as data (encoding, size, ETag, source)', async () => {
    const site = makeSite()
    const report = JSON.parse(await check(site, ['--log-format', 'json'])) as {
      served: Array<{ url: string; etag: string; variants: Array<{ encoding: string; size: number; etag: string; source: string }> }>
    }
    const app = report.served.find(s => s.url === '/app.js')!
    expect(app.variants.map(v => v.encoding).sort()).toEqual([...CODINGS].sort())
    for (const v of app.variants) {
      expect(v.source).toBe('runtime')
      expect(v.etag).toBe(`${app.etag.slice(0, -1)}-${v.encoding}"`)
      expect(v.size).toBeLessThan(fileOf(site, 'app.js').length)
    }
    expect(report.served.find(s => s.url === '/logo.png')!.variants).toEqual([])
  }, 60_000)
})
