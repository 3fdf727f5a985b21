// Ours, as a library: the five packages' built dist, composed by hand.
// Requires `pnpm build` (packages/*/dist/index.js). The allowlist admits every
// file under ROOT (the four files of the main run; the compression run's too).
// STATIC_COMPRESS=1: serveStatic(root, { compress: true }) (target ours-lib-z).
import { readdirSync } from 'node:fs'
import { HOST, PORT, ROOT } from './env.mjs'

const REPO = new URL('../../', import.meta.url)
/** @param {string} pkg - folder under packages/ */
const load = async (pkg) => import(new URL(`packages/${pkg}/dist/index.js`, REPO).href)
/** A named export, or the same name on a default export. */
const pick = (mod, name) => {
  const fn = mod[name] ?? mod.default?.[name] ?? (typeof mod.default === 'function' ? mod.default : undefined)
  if (typeof fn !== 'function') throw new Error(`export ${name} not found`)
  return fn
}

const [core, corsPkg, allowPkg, staticPkg, fallbackPkg] = await Promise.all(
  ['core', 'cors', 'allowlist', 'static', 'fallback'].map(load),
)
const createApp = pick(core, 'createApp')
const cors = pick(corsPkg, 'cors')
const allowlist = pick(allowPkg, 'allowlist')
const serveStatic = pick(staticPkg, 'serveStatic')
const fallback = pick(fallbackPkg, 'fallback')

// KEEPALIVE_TIMEOUT_MS: how long an idle keep-alive connection is kept (default: the core's 5 s);
// idle-memory.mjs sets it so that 10 000 connections stay open however long opening them takes.
const keepAliveTimeout = Number(process.env.KEEPALIVE_TIMEOUT_MS)
const app = createApp(keepAliveTimeout > 0 ? { keepAliveTimeout } : {})
app.use(cors())
/** Every non-dot file under `dir`, as paths relative to ROOT. */
const filesUnder = (dir, prefix = '') =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    if (d.name.startsWith('.')) return []
    if (d.isDirectory()) return filesUnder(`${dir}/${d.name}`, `${prefix}${d.name}/`)
    return d.isFile() ? [`${prefix}${d.name}`] : []
  })
let allow = allowlist(filesUnder(ROOT), { root: ROOT })
if (allow && typeof allow.then === 'function') allow = await allow
if (allow && allow.ready && typeof allow.ready.then === 'function') await allow.ready
if (allowlist.ready && typeof allowlist.ready.then === 'function') await allowlist.ready
app.use(allow)
app.use(serveStatic(ROOT, process.env.STATIC_COMPRESS === '1' ? { compress: true } : {}))
app.use(fallback())
await app.listen(PORT, HOST)
