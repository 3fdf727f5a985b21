// express 5 + serve-static (defaults: ETag, Last-Modified, 304).
import express from 'express'
import serveStatic from 'serve-static'
import { HOST, PORT, ROOT } from './env.mjs'

const app = express()
app.use((req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', '*')
  next()
})
app.use(serveStatic(ROOT))
app.listen(PORT, HOST)
