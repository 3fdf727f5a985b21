// fastify 5 + @fastify/compress (global: br at quality 4 or gzip, per request) + @fastify/static.
import fastifyCompress from '@fastify/compress'
import fastifyStatic from '@fastify/static'
import Fastify from 'fastify'
import { HOST, PORT, ROOT } from './env.mjs'

const app = Fastify({ logger: false })
app.addHook('onRequest', (req, reply, done) => {
  reply.header('Access-Control-Allow-Origin', '*')
  done()
})
await app.register(fastifyCompress, { global: true })
await app.register(fastifyStatic, { root: ROOT })
await app.listen({ port: PORT, host: HOST })
