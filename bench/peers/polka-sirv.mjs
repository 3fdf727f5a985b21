// polka + sirv in production mode (files stat'ed once at start), ETag on.
import polka from 'polka'
import sirv from 'sirv'
import { HOST, PORT, ROOT } from './env.mjs'

polka()
  .use((req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', '*')
    next()
  })
  .use(sirv(ROOT, { dev: false, etag: true }))
  .listen(PORT, HOST)
