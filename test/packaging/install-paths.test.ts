// The two install paths the READMEs document besides a registry install, with the real tarballs:
// - a global install from a clone (`npm install -g` of every `pnpm -r pack` tarball: the CLI depends on
//   the other five), here into a temporary prefix so the machine is left alone;
// - `require()` from a CommonJS project: the packages are ESM only, and Node ≥ 20.19 loads them with
//   require() (require(esm), on by default), because no module of theirs uses top-level await.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PACKAGES, REPO_ROOT, buildOnce, cleanEnv, killLiveChildren, run, runOk, workspacePackages } from './helpers.js'

const temp = mkdtempSync(join(tmpdir(), 'tinyhttp-install-paths-'))
const packs = join(temp, 'packs')
const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--no-update-notifier', '--fetch-timeout=30000', '--fetch-retries=1']
let tarballs: string[] = []
let setupError: unknown

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
const requireEsm = major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19)

beforeAll(async () => {
  try {
    await buildOnce()
    mkdirSync(packs)
    // The command the READMEs give (pnpm is not on PATH on a machine with only Node and npm).
    await runOk('npx', ['-y', 'pnpm@10', '-r', 'pack', '--pack-destination', packs], { cwd: REPO_ROOT, timeoutMs: 120_000, env: cleanEnv() })
    tarballs = workspacePackages().map(({ name, version }) => join(packs, `${name}-${version}.tgz`))
  } catch (err) {
    setupError = err
  }
}, 200_000)

afterAll(() => {
  killLiveChildren()
  rmSync(temp, { recursive: true, force: true })
})

function ready(): void {
  if (setupError !== undefined) throw setupError
  expect(readdirSync(packs).sort()).toEqual(tarballs.map(t => t.slice(packs.length + 1)).sort())
}

describe('install paths from a clone', () => {
  it('npm install -g of every tarball (into a temporary prefix) gives a working tinyhttp-cli (--version, --check)', async () => {
    ready()
    const prefix = join(temp, 'global')
    await runOk('npm', ['install', '-g', '--prefix', prefix, ...NPM_FLAGS, ...tarballs], { cwd: temp, timeoutMs: 180_000, env: cleanEnv() })
    const bin = join(prefix, 'bin', 'tinyhttp-cli')
    const version = await runOk(bin, ['--version'], { cwd: temp, timeoutMs: 30_000, env: cleanEnv() })
    expect(version.stdout).toBe(`${workspacePackages().find(p => p.name === PACKAGES.cli)?.version}\n`)
    const site = join(temp, 'site')
    mkdirSync(site)
    writeFileSync(join(site, 'index.html'), '<!doctype html><p>hi</p>\n')
    const check = await run(bin, ['site', '--check'], { cwd: temp, timeoutMs: 30_000, env: cleanEnv() })
    expect(check.code, check.stderr).toBe(0)
    expect(check.stdout).toMatch(/^\s+\/index\.html\s+text\/html; charset=utf-8\s+25\s/m)
  }, 240_000)

  it.skipIf(!requireEsm)('require() of every package works from a CommonJS file (Node ≥ 20.19)', async () => {
    ready()
    const project = join(temp, 'cjs')
    mkdirSync(project)
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'cjs-user', version: '1.0.0', private: true }))
    await runOk('npm', ['install', ...NPM_FLAGS, ...tarballs], { cwd: project, timeoutMs: 180_000, env: cleanEnv() })
    writeFileSync(
      join(project, 'main.js'),
      `'use strict'
const { createApp } = require('tinyhttp-core')
const { allowlist } = require('tinyhttp-allowlist')
const { serveStatic } = require('tinyhttp-static')
const { cors } = require('tinyhttp-cors')
const { fallback } = require('tinyhttp-fallback')
const { compress } = require('tinyhttp-compress')
const { run } = require('tinyhttp-cli')
console.log(JSON.stringify([createApp, allowlist, serveStatic, cors, fallback, compress, run].map(f => typeof f)))
`,
    )
    const r = await run(process.execPath, ['main.js'], { cwd: project, timeoutMs: 30_000, env: cleanEnv() })
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual(['function', 'function', 'function', 'function', 'function', 'function', 'function'])
    expect(r.stderr).toBe('')
  }, 240_000)
})
