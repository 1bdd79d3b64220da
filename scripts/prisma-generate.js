#!/usr/bin/env node
// Runs `prisma generate` without letting the Prisma CLI download its native schema engine:
// generate runs on WebAssembly, but the CLI checks for the engine binary first. Pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any existing executable skips that download (shared/toolchain.md).
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
}
const cli = require.resolve('prisma/build/index.js')
const result = spawnSync(process.execPath, [cli, 'generate', '--schema', 'prisma/schema.prisma'], {
  stdio: 'inherit',
  env,
})
process.exit(result.status ?? 1)
