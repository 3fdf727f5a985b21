#!/usr/bin/env node
// Kernel memory per idle TCP connection: the slab caches (/proc/slabinfo, needs root) that grow while N
// idle loopback connections are open, divided by the 2N socket ends (client and server are both on this
// machine, and an idle end costs the same on either side: its TCP socket, inode, file, dentry, epoll
// item; no buffers while nothing is queued). bench/idle-memory.mjs measures the server process's own
// share; docs/SCALING.md adds the two.
//
//   node bench/kernel-socket-memory.mjs [N]     # default 5000 connections
import { readFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'

const N = Number(process.argv[2] ?? 5000)
const CACHES = ['TCP', 'TCPv6', 'sock_inode_cache', 'filp', 'dentry', 'eventpoll_epi', 'eventpoll_pwq', 'skbuff_head_cache', 'kmalloc-64', 'kmalloc-128', 'kmalloc-192', 'kmalloc-256', 'kmalloc-512', 'kmalloc-1k', 'kmalloc-2k', 'kmalloc-4k']

/** Bytes held by each cache of interest: active objects × object size. */
function slab() {
  const out = {}
  for (const line of readFileSync('/proc/slabinfo', 'utf8').split('\n').slice(2)) {
    const f = line.trim().split(/\s+/)
    if (CACHES.includes(f[0])) out[f[0]] = Number(f[1]) * Number(f[3])
  }
  return out
}

const server = createServer(socket => socket.resume())
await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
const { port } = server.address()
await new Promise(resolve => setTimeout(resolve, 500))
const before = slab()
const sockets = []
for (let i = 0; i < N; i++) {
  const socket = connect(port, '127.0.0.1')
  sockets.push(socket)
  if (i % 200 === 199) await new Promise(resolve => socket.once('connect', resolve))
}
await new Promise(resolve => setTimeout(resolve, 1000))
const after = slab()
let total = 0
for (const cache of CACHES) {
  const grown = (after[cache] ?? 0) - (before[cache] ?? 0)
  total += grown
  if (Math.abs(grown / N / 2) >= 1) console.log(`${cache.padEnd(18)} ${(grown / N / 2).toFixed(0).padStart(6)} B per end`)
}
console.log(`total ${(total / N / 2 / 1024).toFixed(2)} KiB of kernel slab per idle connection end (${N} loopback connections; other processes' activity adds noise)`)
for (const socket of sockets) socket.destroy()
server.close()
