// express 5 + compression (br at quality 4 or gzip at level 6, per request) + serve-static.
import compression from 'compression'
import express from 'express'
import serveStatic from 'serve-static'
import { HOST, PORT, ROOT } from './env.mjs'

const app = express()
app.use((req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', '*')
  next()
})
app.use(compression())
app.use(serveStatic(ROOT))
app.listen(PORT, HOST)
