// Shared by the Node peers: where to listen and what to serve.
// Every peer is started by run.mjs with PORT and ROOT in its environment.
import { resolve } from 'node:path'

/** TCP port to listen on (127.0.0.1 only). */
export const PORT = Number(process.env.PORT)
/** Absolute path of the folder to serve (bench/fixtures/public). */
export const ROOT = resolve(process.env.ROOT ?? new URL('../fixtures/public/', import.meta.url).pathname)
/** The only address any peer binds. */
export const HOST = '127.0.0.1'

if (!Number.isInteger(PORT) || PORT <= 0 || PORT > 65535) {
  console.error(`PORT must be set to a TCP port (got ${JSON.stringify(process.env.PORT)})`)
  process.exit(2)
}

/** Content types of the fixture extensions. */
export const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.bin': 'application/octet-stream',
}
