#!/usr/bin/env node
// The `sargs` command-line tool. Runs the TypeScript sources through tsx's loader.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../server/cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
