// What the harness needs on the machine: wrk (required), nginx (for
// nginx-1w), bench/node_modules (the peers), and a few facts for the record.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs'
import { cpus, release } from 'node:os'
import { delimiter, join } from 'node:path'
import { run } from './proc.mjs'

/** @returns {boolean} an executable named `bin` is on PATH */
export function which(bin) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    try {
      accessSync(join(dir, bin), constants.X_OK)
      return true
    } catch {}
  }
  return false
}

const canApt = () => typeof process.getuid === 'function' && process.getuid() === 0 && which('apt-get')
let aptUpdated = false

/**
 * Installs Debian packages with apt-get when we are root (apt-get update first, once).
 * @returns {Promise<boolean>}
 */
async function aptInstall(pkgs, log) {
  if (!canApt()) return false
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  if (!aptUpdated) {
    log(`apt-get update …`)
    const u = await run(['apt-get', 'update'], { timeoutMs: 300_000, env })
    if (u.code !== 0) {
      log(`apt-get update failed: ${u.stderr.trim().split('\n').slice(-2).join(' ')}`)
      return false
    }
    aptUpdated = true
  }
  log(`apt-get install -y ${pkgs.join(' ')} …`)
  const r = await run(['apt-get', 'install', '-y', ...pkgs], { timeoutMs: 600_000, env })
  if (r.code !== 0) log(`apt-get install failed: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`)
  return r.code === 0
}

/**
 * Makes sure a binary from a Debian package is there, installing it if we can.
 * @returns {Promise<boolean>}
 */
export async function ensureBinary(bin, pkg, log) {
  if (which(bin)) return true
  if (await aptInstall([pkg], log)) return which(bin)
  log(`${bin} is not installed and cannot be installed here. Install it with:\n  sudo apt-get update && sudo apt-get install -y ${pkg}`)
  return false
}

/**
 * Installs bench/node_modules from package-lock.json when missing.
 * @returns {Promise<boolean>}
 */
export async function ensureNodeModules(benchDir, log) {
  if (existsSync(join(benchDir, 'node_modules'))) return true
  log('bench/node_modules missing: npm ci --prefix bench …')
  const r = await run(['npm', 'ci', '--prefix', benchDir, '--no-audit', '--no-fund'], { timeoutMs: 600_000 })
  if (r.code !== 0) {
    log(`npm ci failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`)
    return false
  }
  return true
}

/** Facts about the machine and tools, for the JSON record. */
export async function systemInfo(repo) {
  const first = (s) => s.trim().split('\n')[0] ?? ''
  const wrk = which('wrk') ? first((await run(['wrk', '-v'], { timeoutMs: 5000 })).stdout) : null
  const nginx = which('nginx') ? first((await run(['nginx', '-v'], { timeoutMs: 5000 })).stderr) : null
  const git = await run(['git', '-C', repo, 'rev-parse', '--short', 'HEAD'], { timeoutMs: 5000 })
  let loadavg = null
  try {
    loadavg = readFileSync('/proc/loadavg', 'utf8').trim()
  } catch {}
  return {
    node: process.version,
    wrk,
    nginx,
    cpu: cpus()[0]?.model ?? null,
    cpus: cpus().length,
    kernel: release(),
    commit: git.code === 0 ? git.stdout.trim() : null,
    loadavg,
  }
}
