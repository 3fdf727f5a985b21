// What an idle upgraded WebSocket keeps on the server's heap, counted in a heap snapshot: the clients run
// in a child process (the `ws` package), so every object counted is the server's. Per socket, after the
// handover, there is no closure from tinyhttp (the socket listeners are shared functions, the parser and
// the receiver talk to one small link object), no UTF-8 validator and no masking-key buffer (made on first
// use), and nothing of the HTTP exchange (Connection, its parser and message state, Context, Request, Response). Before these changes an
// idle socket held 14 closures, 2 validators and a 4-byte Uint8Array with its backing store.
import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import v8 from 'node:v8'
import vm from 'node:vm'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp, type App } from 'tinyhttp-core'
import { websocket } from 'tinyhttp-websocket'

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void
const wsEntry = createRequire(import.meta.url).resolve('ws')

let app: App | undefined
let child: ChildProcess | undefined
afterEach(async () => {
  if (child?.pid !== undefined && child.exitCode === null) child.kill()
  child = undefined
  await app?.close(100)
  app = undefined
})

/** Nodes of the server's heap by "type name", after a full collection. */
async function heapCounts(): Promise<Map<string, number>> {
  gc()
  gc()
  const chunks: Buffer[] = []
  for await (const chunk of v8.getHeapSnapshot()) chunks.push(chunk as Buffer)
  const snap = JSON.parse(Buffer.concat(chunks).toString()) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }
    nodes: number[]
    strings: string[]
  }
  const fields = snap.snapshot.meta.node_fields
  const types = snap.snapshot.meta.node_types[0]
  const width = fields.length
  const typeAt = fields.indexOf('type')
  const nameAt = fields.indexOf('name')
  const counts = new Map<string, number>()
  for (let i = 0; i < snap.nodes.length; i += width) {
    const key = `${types[snap.nodes[i + typeAt] as number]} ${snap.strings[snap.nodes[i + nameAt] as number]}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return counts
}

/** Opens `n` WebSocket connections from a child process and keeps them idle; resolves when all are open. */
function idleClients(port: number, n: number): Promise<void> {
  const script = `
    const WebSocket = require(${JSON.stringify(wsEntry)})
    let open = 0
    for (let i = 0; i < ${n}; i++) {
      const c = new WebSocket('ws://127.0.0.1:${port}/', { perMessageDeflate: false })
      c.on('open', () => { if (++open === ${n}) process.stdout.write('READY\\n') })
      c.on('error', e => { process.stderr.write(e.message); process.exit(1) })
    }
    setTimeout(() => process.exit(0), 30000)`
  const proc = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  child = proc
  return new Promise((resolve, reject) => {
    proc.stdout?.on('data', (d: Buffer) => {
      if (String(d).includes('READY')) resolve()
    })
    proc.once('exit', code => reject(new Error(`client process exited with ${code}`)))
  })
}

describe('an idle upgraded WebSocket', () => {
  it('holds no closure, validator or mask buffer of its own: 100 sockets, counted in a heap snapshot', async () => {
    app = createApp()
    app.use(websocket({ path: '/' }, () => {}))
    const { port } = await app.listen(0, '127.0.0.1')
    const before = await heapCounts()
    const sockets = 100
    await idleClients(port, sockets)
    const after = await heapCounts()
    const perSocket = (key: string): number => ((after.get(key) ?? 0) - (before.get(key) ?? 0)) / sockets

    expect(app.connectionCount).toBe(0)
    expect(perSocket('object WebSocket')).toBe(1) // they are all there
    expect(perSocket('object FrameParser')).toBe(1)
    // Anonymous closures per socket: the app-close callback (goingAway) alone.
    expect(perSocket('closure ')).toBeLessThanOrEqual(1.05)
    expect(perSocket('object Utf8Validator')).toBe(0)
    expect(perSocket('object Uint8Array')).toBeLessThan(0.05)
    for (const type of ['Connection', 'MessageState', 'ResponsePlan', 'RequestParser', 'Context', 'Request', 'Response']) expect(perSocket(`object ${type}`), type).toBeLessThan(0.05)
  })
})
