// The WebSocket servers of bench/ws and the loads they are measured with.
import { existsSync } from 'node:fs'

const HERE = new URL('./', import.meta.url).pathname
const REPO = new URL('../../', import.meta.url).pathname

/**
 * @typedef {{ name: string, peer: string, env: Record<string,string>, kind: 'echo'|'broadcast'|'broadcast-z'|'deflate', what: string }} WsTarget
 * `kind`: which scenarios it answers (echo targets also get the idle-memory measurement).
 */

/** @type {WsTarget[]} */
export const WS_TARGETS = [
  { name: 'ours', peer: 'ours.mjs', env: { MODE: 'echo' }, kind: 'echo', what: 'tinyhttp-core + tinyhttp-websocket (packages/*/dist), echo' },
  { name: 'ws', peer: 'ws.mjs', env: { MODE: 'echo' }, kind: 'echo', what: 'ws 8 WebSocketServer with bufferutil (native masking), echo' },
  {
    name: 'ws-js',
    peer: 'ws.mjs',
    env: { MODE: 'echo', WS_NO_BUFFER_UTIL: '1', WS_NO_UTF_8_VALIDATE: '1' },
    kind: 'echo',
    what: 'ws without its optional native helpers (WS_NO_BUFFER_UTIL, WS_NO_UTF_8_VALIDATE), echo',
  },
  { name: 'floor', peer: 'floor.mjs', env: { MODE: 'echo' }, kind: 'echo', what: 'the floor: node:net with no checks at all, unmask and reframe each frame (the least a server on the public socket API costs), echo' },
  { name: 'floor-uv', peer: 'floor-uv.mjs', env: { MODE: 'echo' }, kind: 'echo', what: 'below the floor: floor with Node’s stream layer bypassed (libuv handle, internal API; a measurement, never product code), echo' },
  { name: 'ours-z', peer: 'ours.mjs', env: { MODE: 'echo', DEFLATE: '1' }, kind: 'deflate', what: 'ours with perMessageDeflate: true (context takeover, threshold 1 KiB, zlib level 6), echo' },
  { name: 'ws-z', peer: 'ws.mjs', env: { MODE: 'echo', DEFLATE: '1' }, kind: 'deflate', what: 'ws with perMessageDeflate: true (its defaults: the same), echo' },
  { name: 'ours-broadcast', peer: 'ours.mjs', env: { MODE: 'broadcast' }, kind: 'broadcast', what: 'ours: broadcast(clients, data), framed once' },
  { name: 'ours-loop', peer: 'ours.mjs', env: { MODE: 'loop' }, kind: 'broadcast', what: 'ours: for (const c of clients) c.send(data)' },
  { name: 'floor-bcast', peer: 'floor.mjs', env: { MODE: 'broadcast' }, kind: 'broadcast', what: 'the floor: node:net, frame once, socket.write of the same bytes to every socket' },
  { name: 'floor-uv-bcast', peer: 'floor-uv.mjs', env: { MODE: 'broadcast' }, kind: 'broadcast', what: 'below the floor: floor-bcast through the libuv handles (internal API)' },
  {
    name: 'ours-broadcast-z',
    peer: 'ours.mjs',
    env: { MODE: 'broadcast', DEFLATE: 'nct' },
    kind: 'broadcast-z',
    what: 'ours with perMessageDeflate { serverNoContextTakeover: true }: broadcast(clients, data), compressed and framed once',
  },
  { name: 'ours-loop-z', peer: 'ours.mjs', env: { MODE: 'loop', DEFLATE: 'nct' }, kind: 'broadcast-z', what: 'the same options, a loop of send(): one compression per recipient' },
  { name: 'ws-loop-z', peer: 'ws.mjs', env: { MODE: 'broadcast', DEFLATE: 'nct' }, kind: 'broadcast-z', what: 'ws with perMessageDeflate { serverNoContextTakeover: true }: the loop of send()' },
  { name: 'ws-loop', peer: 'ws.mjs', env: { MODE: 'broadcast' }, kind: 'broadcast', what: 'ws with bufferutil: the loop of send() of its README' },
  {
    name: 'ws-js-loop',
    peer: 'ws.mjs',
    env: { MODE: 'broadcast', WS_NO_BUFFER_UTIL: '1', WS_NO_UTF_8_VALIDATE: '1' },
    kind: 'broadcast',
    what: 'ws without native helpers: the loop of send()',
  },
]

/**
 * @typedef {{ name: string, kind: 'echo'|'broadcast'|'broadcast-z'|'deflate', mode: 'echo'|'broadcast', conns: number, size: number, format: string, what: string }} WsScenario
 * For echo, one message = one round trip; for broadcast, one message = one message delivered to every client.
 */

/** @type {WsScenario[]} */
export const WS_SCENARIOS = [
  { name: 'echo-32x1', kind: 'echo', mode: 'echo', conns: 1, size: 32, format: 'text', what: 'echo 32 B text, 1 connection' },
  { name: 'echo-32x50', kind: 'echo', mode: 'echo', conns: 50, size: 32, format: 'text', what: 'echo 32 B text, 50 connections (the headline)' },
  { name: 'echo-16kx1', kind: 'echo', mode: 'echo', conns: 1, size: 16384, format: 'text', what: 'echo 16 KiB text, 1 connection' },
  { name: 'echo-16kx50', kind: 'echo', mode: 'echo', conns: 50, size: 16384, format: 'text', what: 'echo 16 KiB text, 50 connections' },
  { name: 'echo-16k-z', kind: 'deflate', mode: 'echo', conns: 50, size: 16384, format: 'text-deflate', what: 'echo 16 KiB text compressed both ways (permessage-deflate), 50 connections' },
  { name: 'bcast-32', kind: 'broadcast', mode: 'broadcast', conns: 1000, size: 32, format: 'text', what: '32 B text to 1 000 clients' },
  { name: 'bcast-16k', kind: 'broadcast', mode: 'broadcast', conns: 1000, size: 16384, format: 'text', what: '16 KiB text to 1 000 clients' },
  {
    name: 'bcast-16k-z',
    kind: 'broadcast-z',
    mode: 'broadcast',
    conns: 1000,
    size: 16384,
    format: 'text-deflate',
    what: '16 KiB text to 1 000 clients, permessage-deflate (server_no_context_takeover)',
  },
]

/** Our peer needs a build: packages/core and packages/websocket dist. */
export function unavailable(t) {
  if (t.peer !== 'ours.mjs') return null
  for (const pkg of ['core', 'websocket']) {
    if (!existsSync(`${REPO}packages/${pkg}/dist/index.js`)) return `packages/${pkg}/dist missing: run \`npx tsc -b\` first`
  }
  return null
}

export const peerPath = (t) => `${HERE}peers/${t.peer}`

/** Goals of issue 14, checked on medians of per-round ratios. */
export const WS_GOALS = [
  { scenario: 'echo-32x50', metric: 'mps', target: 'ours', vs: 'ws', op: '≥', limit: 1.2, what: 'messages/s ≥ 1.2 × ws' },
  { scenario: 'echo-32x50', metric: 'cpu', target: 'ours', vs: 'ws', op: '≤', limit: 0.8, what: 'server CPU per message ≤ 0.8 × ws' },
  { scenario: 'bcast-32', metric: 'cpu', target: 'ours-broadcast', vs: 'ours-loop', op: '≤', limit: 0.2, what: 'broadcast ≤ 0.2 × a loop of send (CPU)' },
  { scenario: 'bcast-16k', metric: 'cpu', target: 'ours-broadcast', vs: 'ours-loop', op: '≤', limit: 0.2, what: 'broadcast ≤ 0.2 × a loop of send (CPU)' },
  { scenario: 'bcast-16k-z', metric: 'cpu', target: 'ours-broadcast-z', vs: 'ours-loop-z', op: '≤', limit: 0.2, what: 'compressed broadcast ≤ 0.2 × a loop of send (CPU)' },
  { scenario: 'bcast-32', metric: 'user', target: 'ours-broadcast', vs: 'ours-loop', op: '≤', limit: 0.2, info: true, what: 'the same in user CPU only (informative: without the kernel’s per-socket send)' },
  { scenario: 'bcast-16k', metric: 'user', target: 'ours-broadcast', vs: 'ours-loop', op: '≤', limit: 0.2, info: true, what: 'the same in user CPU only (informative)' },
  { scenario: 'echo-32x50', metric: 'cpu', target: 'floor', vs: 'ws', info: true, what: 'the floor’s CPU ÷ ws (informative: a goal below this is below the socket layer’s own cost)' },
  { scenario: 'echo-32x50', metric: 'cpu', target: 'floor-uv', vs: 'ws', info: true, what: 'the same without Node’s stream layer (informative: what is left is the kernel and libuv)' },
  { scenario: 'bcast-32', metric: 'cpu', target: 'floor-bcast', vs: 'ours-loop', info: true, what: 'the floor’s framed-once broadcast ÷ ours-loop (informative: the least any broadcast can cost)' },
  { scenario: 'bcast-16k', metric: 'cpu', target: 'floor-bcast', vs: 'ours-loop', info: true, what: 'the same for 16 KiB (informative)' },
  { scenario: 'bcast-32', metric: 'cpu', target: 'floor-uv-bcast', vs: 'ours-loop', info: true, what: 'the framed-once broadcast through libuv handles ÷ ours-loop (informative)' },
  { scenario: 'idle', metric: 'kb', target: 'ours', vs: 'ws', op: '≤', limit: 1.0, what: 'memory per idle connection ≤ ws' },
]
