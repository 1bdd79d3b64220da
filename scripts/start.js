#!/usr/bin/env node
// `npm start`: build the Remix app when the build is missing or older than the sources, then run
// the server on its embedded defaults (PGlite in ./data, demo municipality seeded on first start).
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const sources = ['app', 'public', 'vite.config.ts', 'package-lock.json']
const stamp = 'build/server/index.js'

function newest(p) {
  const stat = fs.statSync(p)
  if (!stat.isDirectory()) return stat.mtimeMs
  let max = stat.mtimeMs
  for (const entry of fs.readdirSync(p)) max = Math.max(max, newest(path.join(p, entry)))
  return max
}

const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0
const changed = Math.max(...sources.filter((s) => fs.existsSync(s)).map(newest))
if (changed > built) {
  console.log('Building the web app…')
  const r = spawnSync(process.execPath, ['node_modules/@remix-run/dev/dist/cli.js', 'vite:build'], {
    stdio: 'inherit',
  })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts', ...process.argv.slice(2)], {
  stdio: 'inherit',
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
