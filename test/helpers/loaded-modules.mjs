// Which modules a Node process loaded. Preload it and name an output file:
//
//   LOADED_MODULES_OUT=/tmp/modules.json NODE_OPTIONS=--import=./test/helpers/loaded-modules.mjs node app.js
//
// When the process exits, it writes the JSON array of the `file:` URLs of every script V8 holds (each ES
// module and CommonJS file the process loaded, this file included), read through the inspector's
// `Debugger.enable`, which reports every script parsed so far as `Debugger.scriptParsed` (an in-process
// session answers synchronously, so this works in an `exit` listener). Nothing else changes: no loader
// hook, no timing. Used by test/cli/startup-modules.test.ts and bench/startup-memory.mjs.
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'

const out = process.env.LOADED_MODULES_OUT
if (out !== undefined && out !== '') {
  process.once('exit', () => {
    const session = new Session()
    session.connect()
    const urls = new Set()
    session.on('Debugger.scriptParsed', message => {
      if (message.params.url.startsWith('file:')) urls.add(message.params.url)
    })
    session.post('Debugger.enable')
    session.disconnect()
    writeFileSync(out, JSON.stringify([...urls]) + '\n')
  })
}
