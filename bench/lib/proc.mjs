// Processes: start a server in its own process group (optionally pinned with
// taskset), wait for its port, sample the group's RSS and CPU from /proc,
// stop it by process-group id (SIGTERM, then SIGKILL after 5 s).
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { cpus } from 'node:os'

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Clock ticks per second of /proc/<pid>/stat utime/stime (USER_HZ, 100 on Linux). */
export const CLK_TCK = 100

/** Number of CPUs this process may use. */
export function cpuCount() {
  try {
    const m = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))
    if (m) {
      let n = 0
      for (const part of m[1].split(',')) {
        const [a, b] = part.split('-').map(Number)
        n += b === undefined ? 1 : b - a + 1
      }
      return n
    }
  } catch {}
  return cpus().length
}

/**
 * Prefix that pins a command to a CPU list, or [] when not pinning.
 * @param {string|null} cpuList - e.g. "0", "1", "0-1"; null: no taskset
 */
export function tasksetPrefix(cpuList) {
  return cpuList ? ['taskset', '-c', cpuList] : []
}

/**
 * Starts a server in a new process group.
 * @param {{ cmd: string[], env: Record<string,string>, cwd: string, cpuList: string|null }} o
 * @returns {{ pid: number, child: import('node:child_process').ChildProcess, exited: Promise<{code:number|null, signal:string|null}>, output: () => string }}
 */
export function startServer({ cmd, env, cwd, cpuList }) {
  const argv = [...tasksetPrefix(cpuList), ...cmd]
  const child = spawn(argv[0], argv.slice(1), {
    cwd,
    env: { ...process.env, ...env },
    detached: true, // own process group: kill(-pid) reaches workers too
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const keep = (d) => {
    out += d.toString()
    if (out.length > 8192) out = out.slice(-8192)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  let done = false
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      done = true
      resolve({ code, signal })
    })
    child.on('error', (e) => {
      done = true
      keep(`spawn error: ${e.message}\n`)
      resolve({ code: -1, signal: null })
    })
  })
  return { pid: child.pid, child, exited, output: () => out.trim(), isRunning: () => !done }
}

/**
 * Waits until 127.0.0.1:port accepts a connection (bounded).
 * @returns {Promise<boolean>}
 */
export async function waitForPort(port, timeoutMs = 10_000, isRunning = () => true) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!isRunning()) return false
    const ok = await new Promise((resolve) => {
      const s = connect({ port, host: '127.0.0.1' })
      s.once('connect', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => {
        s.destroy()
        resolve(false)
      })
    })
    if (ok) return true
    await sleep(50)
  }
  return false
}

/** @returns {Promise<boolean>} the port can be bound on 127.0.0.1 */
export function portFree(port) {
  return new Promise((resolve) => {
    const srv = createServer()
    srv.once('error', () => resolve(false))
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
  })
}

/** pids whose process group is pgid (read from /proc/<pid>/stat). */
export function groupPids(pgid) {
  const pids = []
  for (const name of readdirSync('/proc')) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[2]) === pgid) pids.push(Number(name))
    } catch {}
  }
  return pids
}

/**
 * RSS (kB → MB) and CPU ticks summed over a process group.
 * @returns {{ rssMB: number, cpuTicks: number, procs: number }}
 */
export function groupUsage(pgid, pids = groupPids(pgid)) {
  let rssKB = 0
  let ticks = 0
  let procs = 0
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'latin1')
      const m = /VmRSS:\s+(\d+) kB/.exec(status)
      if (m) rssKB += Number(m[1])
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(f[11]) + Number(f[12]) // utime + stime
      procs++
    } catch {}
  }
  return { rssMB: rssKB / 1024, cpuTicks: ticks, procs }
}

/** Converts a tick difference over wall milliseconds to CPU percent. */
export const cpuPercent = (ticks, wallMs) => (wallMs > 0 ? (ticks / CLK_TCK / (wallMs / 1000)) * 100 : 0)

/**
 * Samples peak RSS of a group every intervalMs until stop() is called.
 * @returns {{ stop: () => {peakMB: number, samples: number} }}
 */
export function sampleRss(pgid, intervalMs = 200) {
  let peak = 0
  let samples = 0
  let pids = groupPids(pgid)
  const tick = () => {
    // scanning /proc for the group costs ~2 ms: do it once a second, not every sample
    if (samples % 5 === 4) pids = groupPids(pgid)
    const { rssMB } = groupUsage(pgid, pids)
    if (rssMB > peak) peak = rssMB
    samples++
  }
  tick()
  const t = setInterval(tick, intervalMs)
  return {
    stop() {
      clearInterval(t)
      pids = groupPids(pgid)
      tick()
      return { peakMB: peak, samples }
    },
  }
}

/** Per-CPU busy jiffies from /proc/stat: [{busy, total}, ...]. */
export function cpuTimes() {
  const out = []
  for (const line of readFileSync('/proc/stat', 'latin1').split('\n')) {
    const m = /^cpu(\d+) (.*)$/.exec(line)
    if (!m) continue
    const v = m[2].trim().split(/\s+/).map(Number)
    // user nice system idle iowait irq softirq steal
    const busy = v[0] + v[1] + v[2] + v[5] + v[6]
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0)
    out[Number(m[1])] = { busy, total, steal: v[7] ?? 0 }
  }
  return out
}

/**
 * How busy the CPUs are with nothing of ours running (other sessions, builds).
 * @returns {Promise<number[]>} busy % per CPU over ms
 */
export async function backgroundBusy(ms = 500) {
  const a = cpuTimes()
  await sleep(ms)
  return busyPercent(a, cpuTimes())
}

/** Busy % per CPU between two cpuTimes() readings. */
export function busyPercent(a, b) {
  return b.map((x, i) => {
    const dt = x.total - (a[i]?.total ?? 0)
    return dt > 0 ? Math.round(((x.busy - a[i].busy) / dt) * 100) : 0
  })
}

/**
 * Stops a process group: SIGTERM, then SIGKILL after graceMs.
 * @param {{ pid: number, exited: Promise<unknown> }} server
 */
export async function stopServer(server, graceMs = 5000) {
  const pgid = server.pid
  if (!pgid) return
  const kill = (sig) => {
    try {
      process.kill(-pgid, sig)
    } catch {}
  }
  kill('SIGTERM')
  const deadline = Date.now() + graceMs
  await Promise.race([server.exited, sleep(graceMs)])
  while (groupPids(pgid).length > 0 && Date.now() < deadline) await sleep(50)
  if (groupPids(pgid).length > 0) {
    kill('SIGKILL')
    const hard = Date.now() + 2000
    while (groupPids(pgid).length > 0 && Date.now() < hard) await sleep(50)
  }
}

/**
 * Runs a command to completion, capturing output (bounded by timeoutMs).
 * @returns {Promise<{ code: number|null, stdout: string, stderr: string, wallMs: number }>}
 */
export function run(argv, { timeoutMs = 120_000, cwd, env } = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now()
    const child = spawn(argv[0], argv.slice(1), { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (e) => {
      clearTimeout(timer)
      resolve({ code: -1, stdout, stderr: stderr + e.message, wallMs: Date.now() - t0 })
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, wallMs: Date.now() - t0 })
    })
  })
}
