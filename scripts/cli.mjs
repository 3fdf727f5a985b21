#!/usr/bin/env node
// Runs tinyhttp-cli from a clone of the repository, where nothing is published or installed globally:
//
//   npx -y pnpm@10 run cli -- ./my-site --port 8080
//
// pnpm runs every script in the repository root and puts the folder the user ran it from in INIT_CWD;
// this launcher goes back there, so relative paths (`./my-site`, `--allow-file allow.txt`) mean what
// they mean at the user's prompt. pnpm 10 passes a `--` typed after the script name on to the script;
// the CLI would read it as "end of options", so one leading `--` is dropped here.
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

/**
 * The arguments the user meant: without the `--` pnpm passes through.
 *
 * @param {readonly string[]} argv - `process.argv.slice(2)`
 * @returns {string[]}
 */
export function userArgs(argv) {
  return argv[0] === '--' ? argv.slice(1) : [...argv]
}

/**
 * Runs the CLI in this process with `args`, in `cwd`, and exits with its code (like the bin).
 *
 * @param {readonly string[]} args - the CLI's arguments
 * @param {string} cwd - the folder relative paths are resolved from
 */
export async function launch(args, cwd) {
  const bin = fileURLToPath(new URL('../packages/cli/dist/cli.js', import.meta.url))
  if (!existsSync(bin)) {
    process.stderr.write('tinyhttp-cli is not built: run `npx -y pnpm@10 install` first (the start script builds it)\n')
    process.exit(1)
  }
  process.chdir(cwd)
  const { run } = await import(pathToFileURL(bin).href)
  const code = await run(args)
  process.exitCode = code
  // As in the bin: everything is closed by now; if some handle still keeps the loop alive, do not hang.
  setTimeout(() => process.exit(code), 2000).unref()
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await launch(userArgs(process.argv.slice(2)), process.env.INIT_CWD || process.cwd())
}
