// fastify 5 + @fastify/static (defaults: ETag, Last-Modified, 304).
import fastifyStatic from '@fastify/static'
import Fastify from 'fastify'
import { HOST, PORT, ROOT } from './env.mjs'

const app = Fastify({ logger: false })
app.addHook('onRequest', (req, reply, done) => {
  reply.header('Access-Control-Allow-Origin', '*')
  done()
})
await app.register(fastifyStatic, { root: ROOT })
await app.listen({ port: PORT, host: HOST })
