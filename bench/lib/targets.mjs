// The servers we measure. Each is a small script under bench/peers/, started
// with PORT and ROOT in its environment, listening on 127.0.0.1 and adding
// `Access-Control-Allow-Origin: *` to every response.
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'

/**
 * @typedef {object} Target
 * @property {string} name
 * @property {string} desc - one line for the report
 * @property {string[]} cmd - relative to bench/
 * @property {'pin'|'free'} mode - pin: server on CPU 0, wrk on CPU 1; free: neither pinned
 * @property {boolean} [indexOnly] - serves /index.html only (no 304, no other files), by design
 * @property {string[]} [entries] - files (relative to the repo) that must exist, else skipped
 * @property {string[]} [npm] - packages that must be installed in bench/node_modules
 * @property {string} [bin] - an executable that must be on PATH
 * @property {boolean} [ours] - one of our own targets (goal ratios are checked for these)
 * @property {(port: number) => void} [cleanup] - after the server stopped
 * @property {Record<string, string>} [env] - added to the server's environment
 * @property {string|null} [compression] - in the compression run (`run.mjs --compression`): the coding
 *   it should answer to `Accept-Encoding: gzip, br` for app.js and index.html, or null when it never
 *   compresses (by design: identity scenarios only). Absent: not part of the compression run.
 * @property {boolean} [compressionOnly] - runs only in the compression run
 * @property {boolean} [rules] - part of the rules run (`run.mjs --rules`, scenario `rules`)
 * @property {boolean} [rulesOnly] - runs only in the rules run
 */

const OURS_PACKAGES = ['core', 'cors', 'allowlist', 'static', 'fallback'].map((p) => `packages/${p}/dist/index.js`)

/** @type {Target[]} in default order */
export const TARGETS = [
  {
    name: 'node-http-mem',
    desc: 'node:http answering from memory (files read once, ETag/304) — the reference',
    cmd: ['node', 'peers/node-http-mem.mjs'],
    mode: 'pin',
    compression: null,
  },
  {
    name: 'raw-net',
    desc: 'bare node:net, canned response for /index.html, one write per read (upper bound)',
    cmd: ['node', 'peers/raw-net.mjs'],
    mode: 'pin',
    indexOnly: true,
  },
  {
    name: 'node-http-fs',
    desc: 'node:http + fs.readFile per request (no ETag)',
    cmd: ['node', 'peers/node-http-fs.mjs'],
    mode: 'pin',
  },
  {
    name: 'express',
    desc: 'express 5 + serve-static',
    cmd: ['node', 'peers/express.mjs'],
    mode: 'pin',
    npm: ['express', 'serve-static'],
  },
  {
    name: 'fastify',
    desc: 'fastify 5 + @fastify/static',
    cmd: ['node', 'peers/fastify.mjs'],
    mode: 'pin',
    npm: ['fastify', '@fastify/static'],
  },
  {
    name: 'polka-sirv',
    desc: 'polka + sirv (production mode, etag on)',
    cmd: ['node', 'peers/polka-sirv.mjs'],
    mode: 'pin',
    npm: ['polka', 'sirv'],
  },
  {
    name: 'hono',
    desc: 'hono + @hono/node-server serveStatic',
    cmd: ['node', 'peers/hono.mjs'],
    mode: 'pin',
    npm: ['hono', '@hono/node-server'],
  },
  {
    name: 'nginx-1w',
    desc: 'nginx, 1 worker, sendfile on, tcp_nopush off',
    cmd: ['bash', 'peers/nginx-1w.sh'],
    mode: 'pin',
    bin: 'nginx',
    cleanup: (port) => rmSync(`/tmp/bench-nginx-${port}`, { recursive: true, force: true }),
  },
  {
    name: 'nginx-ofc',
    desc: 'nginx at its best for small files: 1 worker, open_file_cache, sendfile, tcp_nopush on',
    cmd: ['bash', 'peers/nginx-ofc.sh'],
    mode: 'pin',
    bin: 'nginx',
    cleanup: (port) => rmSync(`/tmp/bench-nginx-ofc-${port}`, { recursive: true, force: true }),
  },
  {
    name: 'ours-lib',
    desc: 'ours as a library: createApp + cors + allowlist + serveStatic + fallback (packages/*/dist)',
    cmd: ['node', 'peers/ours-lib.mjs'],
    mode: 'pin',
    entries: OURS_PACKAGES,
    ours: true,
  },
  {
    name: 'ours-cli',
    desc: 'ours, the real CLI (packages/cli/dist/bin.js); compresses by default since issue 11',
    cmd: ['bash', 'peers/ours-cli.sh'],
    mode: 'pin',
    entries: ['packages/cli/dist/bin.js'],
    ours: true,
    compression: 'br',
    rules: true,
  },
  {
    name: 'ours-cli-rules',
    desc: 'ours, the CLI with --cache spa on the rules root (_headers: 200 rules, _redirects: 200 redirects)',
    cmd: ['bash', 'peers/ours-cli-rules.sh'],
    mode: 'pin',
    entries: ['packages/cli/dist/bin.js'],
    ours: true,
    rules: true,
    rulesOnly: true,
  },
  {
    name: 'ours-lib-norules',
    desc: "ours as a library in the CLI's chain, no presets, no rules (the rules run's reference)",
    cmd: ['node', 'peers/ours-lib-rules.mjs'],
    mode: 'pin',
    entries: [...OURS_PACKAGES, 'packages/rules/dist/index.js'],
    ours: true,
    env: { RULES: '0' },
    rules: true,
    rulesOnly: true,
  },
  {
    name: 'ours-lib-rules',
    desc: "ours-lib-norules + presets({ cache: 'spa' }) + rules(200 header rules, 200 redirects), headers baked into static's blocks",
    cmd: ['node', 'peers/ours-lib-rules.mjs'],
    mode: 'pin',
    entries: [...OURS_PACKAGES, 'packages/rules/dist/index.js'],
    ours: true,
    env: { RULES: '1', PRECOMPUTE: '1' },
    rules: true,
    rulesOnly: true,
  },
  {
    name: 'ours-lib-rules-pr',
    desc: 'ours-lib-rules with the headers applied per request (no static option headers: as before the precompute)',
    cmd: ['node', 'peers/ours-lib-rules.mjs'],
    mode: 'pin',
    entries: [...OURS_PACKAGES, 'packages/rules/dist/index.js'],
    ours: true,
    env: { RULES: '1', PRECOMPUTE: '0' },
    rules: true,
    rulesOnly: true,
  },
  {
    name: 'ours-cli-pre',
    desc: 'ours, the CLI with --precompressed (file.br / file.gz on disk)',
    cmd: ['bash', 'peers/ours-cli-pre.sh'],
    mode: 'pin',
    entries: ['packages/cli/dist/bin.js'],
    ours: true,
    compression: 'br',
    compressionOnly: true,
  },
  {
    name: 'ours-lib-z',
    desc: 'ours-lib with serveStatic(root, { compress: true })',
    cmd: ['node', 'peers/ours-lib.mjs'],
    env: { STATIC_COMPRESS: '1' },
    mode: 'pin',
    entries: OURS_PACKAGES,
    ours: true,
    compression: 'br',
    compressionOnly: true,
  },
  {
    name: 'nginx-gzip',
    desc: 'nginx-1w with gzip on, gzip_comp_level 1 (per request), gzip_vary, text types',
    cmd: ['bash', 'peers/nginx-gzip.sh'],
    mode: 'pin',
    bin: 'nginx',
    cleanup: (port) => rmSync(`/tmp/bench-nginx-gzip-${port}`, { recursive: true, force: true }),
    compression: 'gzip',
    compressionOnly: true,
  },
  {
    name: 'nginx-gzip-static',
    desc: 'nginx-1w with gzip_static on (file.gz made by gzip -9), gzip_vary',
    cmd: ['bash', 'peers/nginx-gzip-static.sh'],
    mode: 'pin',
    bin: 'nginx',
    cleanup: (port) => rmSync(`/tmp/bench-nginx-gzip-static-${port}`, { recursive: true, force: true }),
    compression: 'gzip',
    compressionOnly: true,
  },
  {
    name: 'serve',
    desc: 'serve 14 (its compression middleware), --cors, cleanUrls off',
    cmd: ['bash', 'peers/serve.sh'],
    mode: 'pin',
    npm: ['serve'],
    cleanup: (port) => rmSync(`/tmp/bench-serve-${port}`, { recursive: true, force: true }),
    compression: 'br',
    compressionOnly: true,
  },
  {
    name: 'express-compression',
    desc: 'express 5 + compression + serve-static',
    cmd: ['node', 'peers/express-compression.mjs'],
    mode: 'pin',
    npm: ['express', 'compression', 'serve-static'],
    compression: 'br',
    compressionOnly: true,
  },
  {
    name: 'fastify-compress',
    desc: 'fastify 5 + @fastify/compress + @fastify/static',
    cmd: ['node', 'peers/fastify-compress.mjs'],
    mode: 'pin',
    npm: ['fastify', '@fastify/compress', '@fastify/static'],
    compression: 'br',
    compressionOnly: true,
  },
  {
    name: 'ours-cli-w2',
    desc: 'ours, the CLI with --workers 2, unpinned',
    cmd: ['bash', 'peers/ours-cli-w2.sh'],
    mode: 'free',
    entries: ['packages/cli/dist/bin.js'],
    ours: true,
  },
  {
    name: 'node-http-mem-free',
    desc: 'node-http-mem unpinned: the reference for targets in mode free',
    cmd: ['node', 'peers/node-http-mem.mjs'],
    mode: 'free',
    onlyWithFree: true,
  },
]

/** Targets of a default run (`pnpm bench`): not the compression run's own. */
export const defaultTargets = () => TARGETS.filter((t) => !t.onlyWithFree && !t.compressionOnly && !t.rulesOnly)
/** Targets of the rules run (`run.mjs --rules`). */
export const rulesTargets = () => TARGETS.filter((t) => t.rules)
/** Pairs of the rules run: a target with rules, and the same server without them (issue 12: ≤ 1.05×). */
export const RULES_PAIRS = [
  ['ours-lib-rules', 'ours-lib-norules'],
  ['ours-lib-rules-pr', 'ours-lib-norules'],
  ['ours-cli-rules', 'ours-cli'],
]
/** Targets of the compression run (`run.mjs --compression`). */
export const compressionTargets = () => TARGETS.filter((t) => t.compression !== undefined)
/** The target every compression figure is divided by ("× ours"). */
export const COMPRESSION_OURS = 'ours-cli'

/** The reference every ratio is divided by, per mode. */
export const REFERENCE = { pin: 'node-http-mem', free: 'node-http-mem-free' }

/** @returns {string} the reference target's name for a target (falls back to the pinned one). */
export function referenceFor(target, measured) {
  const ref = REFERENCE[target.mode] ?? REFERENCE.pin
  return measured.has(ref) ? ref : REFERENCE.pin
}

/**
 * Why a target cannot run here, or null when it can.
 * @param {Target} t
 * @param {{ repo: string, bench: string, which: (bin: string) => boolean }} ctx
 * @returns {string|null}
 */
export function unavailable(t, ctx) {
  for (const e of t.entries ?? []) {
    if (!existsSync(join(ctx.repo, e))) return `${e} missing (run \`pnpm build\` first)`
  }
  for (const p of t.npm ?? []) {
    if (!existsSync(join(ctx.bench, 'node_modules', p, 'package.json'))) return `npm package ${p} missing in bench/node_modules (npm ci --prefix bench)`
  }
  if (t.bin && !ctx.which(t.bin)) return `${t.bin} not installed (apt-get install -y ${t.bin === 'nginx' ? 'nginx-light' : t.bin})`
  return null
}

/** @returns {Target|undefined} */
export const targetByName = (name) => TARGETS.find((t) => t.name === name)
