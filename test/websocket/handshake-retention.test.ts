// An open WebSocket keeps what it needs to speak (its socket, parser, sender) and nothing of the HTTP
// request that opened it: the handshake's Context, Request and Response (with their header maps) must be
// collectable once the 101 is written. Each one retained costs every idle connection about 0.5 KB.
// Measured with a FinalizationRegistry on every Context and a forced collection, over the wire.
import v8 from 'node:v8'
import vm from 'node:vm'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket as WsClient } from 'ws'
import { createApp, type App } from 'tinyhttp-core'
import { websocket } from 'tinyhttp-websocket'

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

let app: App | undefined
const clients: WsClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate()
  await app?.close(100)
  app = undefined
})

describe('an open WebSocket does not keep its handshake alive', () => {
  it.each([
    ['without compression', false],
    ['with permessage-deflate', true],
  ])('%s: 50 idle sockets, 0 handshake contexts left after a collection', async (_name, perMessageDeflate) => {
    let alive = 0
    const registry = new FinalizationRegistry<number>(() => alive--)
    app = createApp()
    app.use((ctx, next) => {
      alive++
      registry.register(ctx, 0)
      return next()
    })
    app.use(websocket({ path: '/echo', perMessageDeflate }, ws => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }))))
    const { port } = await app.listen(0, '127.0.0.1')
    const sockets = 50
    for (let i = 0; i < sockets; i++) {
      const c = new WsClient(`ws://127.0.0.1:${port}/echo`, { perMessageDeflate })
      clients.push(c)
      await new Promise<void>((resolve, reject) => {
        c.once('open', () => resolve())
        c.once('error', reject)
      })
    }
    // One echo on the last socket: the sockets are alive and speaking, not only handshaken.
    const last = clients[sockets - 1] as WsClient
    const echoed = new Promise<string>(resolve => last.once('message', data => resolve(String(data))))
    last.send('still here')
    expect(await echoed).toBe('still here')
    expect(app.connectionCount).toBe(0) // every one of them handed over to the WebSocket
    for (let round = 0; round < 20 && alive > 0; round++) {
      gc()
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    expect(alive).toBe(0)
  })
})
