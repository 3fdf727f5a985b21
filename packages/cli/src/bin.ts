#!/usr/bin/env node
// The `tinyhttp-cli` command: runs the command line and exits with its code. Everything else lives in
// cli.ts, so it can be tested in-process.
import { run } from './cli.js'

const code = await run(process.argv.slice(2))
process.exitCode = code
// Everything is closed by now; if some handle still keeps the loop alive, do not hang.
setTimeout(() => process.exit(code), 2000).unref()
