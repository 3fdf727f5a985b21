// hono + @hono/node-server's serveStatic (no ETag: never answers 304).
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { relative } from 'node:path'
import { HOST, PORT, ROOT } from './env.mjs'

const app = new Hono()
app.use('*', cors({ origin: '*' }))
// serveStatic's root is resolved against the working directory.
app.use('/*', serveStatic({ root: relative(process.cwd(), ROOT) || '.' }))
serve({ fetch: app.fetch, port: PORT, hostname: HOST })
