// The example of the plugins issue, as written: only index.html and style.css from ./public, with their
// MIME types and `Access-Control-Allow-Origin: *`; 403 for anything else; 405 for other methods.
//
//   npx -y pnpm@10 build && node examples/plugins.js
import { createApp } from '../packages/core/dist/index.js'
import { allowlist } from '../packages/allowlist/dist/index.js'
import { serveStatic } from '../packages/static/dist/index.js'
import { cors } from '../packages/cors/dist/index.js'
import { fallback } from '../packages/fallback/dist/index.js'

process.chdir(new URL('..', import.meta.url).pathname)

const app = createApp()
app.use(cors()) // Access-Control-Allow-Origin: *
app.use(allowlist(['index.html', 'style.css'], { root: './public' })) // anything else: 403
app.use(serveStatic('./public'))
app.use(fallback()) // 405/403/404 when nothing answered
const { port } = await app.listen(Number(process.env.PORT ?? 7878), '127.0.0.1')
console.log(`Local: http://127.0.0.1:${port}`)
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void app.close().then(() => process.exit(0)))
