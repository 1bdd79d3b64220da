// The production build the end-to-end tests run against (no database imports here: the e2e
// global setup uses it before anything else).
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

const buildStamp = path.join(repoRoot, 'build/server/index.js')
const buildSources = ['app', 'public', 'vite.config.ts', 'package-lock.json']

function newestMtime(p: string): number {
  const stat = fs.statSync(p)
  if (!stat.isDirectory()) return stat.mtimeMs
  let max = stat.mtimeMs
  for (const entry of fs.readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, entry)))
  return max
}

/** `npm run build` when build/ is missing or older than the web app's sources. */
export function ensureBuild(log: (line: string) => void = console.log): void {
  const built = fs.existsSync(buildStamp) ? fs.statSync(buildStamp).mtimeMs : 0
  const sources = buildSources.map((s) => path.join(repoRoot, s)).filter((s) => fs.existsSync(s))
  if (built && Math.max(...sources.map(newestMtime)) <= built) return
  log(built ? 'build/ is older than the sources: rebuilding (npm run build)' : 'no build/: building (npm run build)')
  const started = Date.now()
  const result = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(`npm run build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`)
  }
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}
