// Ours as a library in the CLI's chain, for the rules run (issue 12's speed goal):
//   cors → [presets({ cache: 'spa' })] → fallback → [rules(_headers + _redirects)] → allowlist → static
// RULES=1: with the presets and the root's rule files (RULES_ROOT, written by fixtures/make.mjs: 200
// header rules, 200 redirects), serving RULES_ROOT (the same files plus the two rule files, which are
// not listed). RULES=0: the same chain without both, serving ROOT: the run "without rules".
// PRECOMPUTE=1 (default): the header rules and presets baked into static's blocks
// (`serveStatic(root, { headers: fileHeaders(rules, presets) })`); PRECOMPUTE=0: applied per request.
// Requires `pnpm build` (packages/*/dist/index.js).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { HOST, PORT, ROOT } from './env.mjs'

const REPO = new URL('../../', import.meta.url)
const load = async (pkg) => import(new URL(`packages/${pkg}/dist/index.js`, REPO).href)
const [core, corsPkg, allowPkg, staticPkg, fallbackPkg, rulesPkg] = await Promise.all(['core', 'cors', 'allowlist', 'static', 'fallback', 'rules'].map(load))

const withRules = process.env.RULES === '1'
const precompute = process.env.PRECOMPUTE !== '0'
const root = withRules ? (process.env.RULES_ROOT ?? ROOT) : ROOT
const RULE_FILES = new Set(['_headers', '_redirects'])

/** Every non-dot file under `dir` but the rule files, as paths relative to it. */
const filesUnder = (dir, prefix = '') =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    if (d.name.startsWith('.') || (prefix === '' && RULE_FILES.has(d.name))) return []
    if (d.isDirectory()) return filesUnder(`${dir}/${d.name}`, `${prefix}${d.name}/`)
    return d.isFile() ? [`${prefix}${d.name}`] : []
  })

const allow = allowlist(filesUnder(root))
const report = await allow.ready
function allowlist(entries) {
  return allowPkg.allowlist(entries, { root })
}

const app = core.createApp({ checkMissingAwait: false })
app.use(corsPkg.cors())
let rulesMw
let presetsMw
if (withRules) {
  const text = (name) => readFileSync(join(root, name), 'utf8')
  const config = rulesPkg.mergeRules([rulesPkg.parseHeaders(text('_headers'), '_headers'), rulesPkg.parseRedirects(text('_redirects'), '_redirects')])
  const served = new Set(report.allowed.map((f) => f.urlPath))
  rulesMw = rulesPkg.rules(config, { exists: (p) => served.has(p) })
  presetsMw = rulesPkg.presets({ cache: 'spa' })
  app.use(presetsMw)
}
app.use(fallbackPkg.fallback())
if (rulesMw) app.use(rulesMw)
app.use(allow)
const headers = withRules && precompute ? { headers: rulesPkg.fileHeaders(rulesMw.headerLayer, presetsMw.headerLayer) } : {}
app.use(staticPkg.serveStatic(root, { compress: true, ...headers }))
await app.listen(PORT, HOST)
