// A static server written with tinyhttp-core alone (no plugins): it serves the demo's two files
// from memory on 127.0.0.1:7878 with their MIME type and `Access-Control-Allow-Origin: *`,
// answers 403 to every other path, and 405 to methods other than GET and HEAD.
//
//   npx -y pnpm@10 build && node examples/core-only.js [port]
import { readFileSync } from 'node:fs'
import { createApp, PreparedHeaders } from '../packages/core/dist/index.js'

const root = new URL('../public/', import.meta.url)
const files = new Map(
  [
    ['/index.html', 'text/html; charset=utf-8'],
    ['/style.css', 'text/css; charset=utf-8'],
  ].map(([path, type]) => [
    path,
    { body: readFileSync(new URL(`.${path}`, root)), headers: new PreparedHeaders([['Content-Type', type], ['X-Content-Type-Options', 'nosniff']]) },
  ]),
)
files.set('/', files.get('/index.html'))

const app = createApp()
app.use(async function corsStar(ctx, next) {
  await next()
  ctx.res.headers.set('Access-Control-Allow-Origin', '*')
})
app.use(function serveTwoFiles(ctx) {
  const canonical = ctx.req.canonicalPath
  if (!canonical.ok) {
    ctx.res.status = 400
    return
  }
  const file = files.get(canonical.path)
  if (file === undefined) {
    ctx.res.status = 403
    return
  }
  if (ctx.req.method !== 'GET' && ctx.req.method !== 'HEAD') {
    ctx.res.status = 405
    ctx.res.headers.set('Allow', 'GET, HEAD')
    return
  }
  ctx.res.headers.usePrepared(file.headers)
  ctx.res.body = file.body
})

const port = Number(process.argv[2] ?? process.env.PORT ?? 7878)
const address = await app.listen(port, '127.0.0.1')
console.log(`Local: http://127.0.0.1:${address.port}`)
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void app.close().then(() => process.exit(0)))
