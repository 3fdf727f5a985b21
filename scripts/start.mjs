#!/usr/bin/env node
// `npx -y pnpm@10 start`: the demo — ./public of this repository with the explicit allowlist in
// demo.allow (public/secret.txt exists and is refused). Options alone keep the demo
// (`start -- --port 8080`, `start -- --check`); a root folder or an allow entry makes it tinyhttp-cli on
// your own folder, run from where you stand: `npx -y pnpm@10 start -- ./my-site --port 8080`.
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { launch, userArgs } from './cli.mjs'

const repo = new URL('..', import.meta.url)
const DEMO = [fileURLToPath(new URL('public', repo)), '--allow-file', fileURLToPath(new URL('demo.allow', repo))]

/**
 * Whether the arguments leave the demo in place: no root folder and no allow entry. Arguments the
 * CLI's parser refuses are handed to the CLI as they are, so the user sees its error.
 *
 * @param {readonly string[]} args - the user's arguments
 * @returns {Promise<boolean>}
 */
async function keepsDemo(args) {
  if (args.length === 0) return true
  const parser = new URL('packages/cli/dist/args.js', repo)
  if (!existsSync(parser)) return false
  const { parseArgs } = await import(pathToFileURL(fileURLToPath(parser)).href)
  try {
    const { root, options } = parseArgs(args)
    return root === undefined && options.allow === undefined && options['allow-file'] === undefined
  } catch {
    return false
  }
}

const args = userArgs(process.argv.slice(2))
const cwd = process.env.INIT_CWD || process.cwd()
await launch((await keepsDemo(args)) ? [...DEMO, ...args] : args, cwd)
