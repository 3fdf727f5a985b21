import { readdirSync, existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url))

/** Every workspace package name aliased to its TypeScript source, so tests run without a build. */
const alias: Record<string, string> = {}
for (const dir of readdirSync(packagesDir)) {
  const manifest = `${packagesDir}${dir}/package.json`
  const entry = `${packagesDir}${dir}/src/index.ts`
  if (!existsSync(manifest) || !existsSync(entry)) continue
  const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }
  alias[name] = entry
}

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
})
