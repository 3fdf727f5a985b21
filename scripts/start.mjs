#!/usr/bin/env node
// `npx -y pnpm@10 start`: with no arguments, the demo — ./public with the explicit allowlist in
// demo.allow (public/secret.txt exists and is refused). With arguments, tinyhttp-cli itself, run
// from the folder the user stands in: `npx -y pnpm@10 start -- ./my-site --port 8080`.
import { fileURLToPath } from 'node:url'
import { launch, userArgs } from './cli.mjs'

const args = userArgs(process.argv.slice(2))
if (args.length === 0) {
  await launch(['public', '--allow-file', 'demo.allow'], fileURLToPath(new URL('..', import.meta.url)))
} else {
  await launch(args, process.env.INIT_CWD || process.cwd())
}
