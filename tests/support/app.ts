// Boots the real app for end-to-end and policy tests: the production build, `node --import tsx
// server/index.ts`, a fresh temporary DATA_DIR (embedded PGlite), a free port on 127.0.0.1.
// Tests reach the app's database the way the `sargs` CLI does: through the app's local socket.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDatabase, type Database } from '#server/db/open.ts'
import { ensureBuild, repoRoot } from './build.ts'
import { freePort } from './http.ts'

export { ensureBuild, repoRoot }

export type RunningApp = {
  url: string
  port: number
  dataDir: string
  /** everything the process printed so far (stdout and stderr) */
  output: () => string
  /** milliseconds from spawn to the first healthy /healthz */
  startupMs: number
  /** the app's database, through its local socket (as the CLI does); closed by stop() */
  database: () => Promise<Database>
  stop: () => Promise<void>
}

// Configuration the developer's shell may carry that must not leak into a test app.
const appVariables = [
  'NODE_ENV',
  'HOST',
  'PORT',
  'PUBLIC_URL',
  'DATA_DIR',
  'DATABASE_URL',
  'REDIS_URL',
  'MAP_STYLE_URL',
  'TRUST_PROXY',
  'SEED_DEMO',
  'LOG_LEVEL',
  'WORKER',
  'VAPID_SUBJECT',
  'PUSH_SERVICE_HOSTS',
  // SMS providers: a test that wants SMS passes them in options.env (e.g. the fake gateway's URL)
  'SMS_GATEWAY_URL',
  'SMS_GATEWAY_TOKEN',
  'SMS_GATEWAY_USER',
  'SMS_GATEWAY_PASSWORD',
  'SMS_RECEIPT_SECRET',
  'SMS_SENDER_ID',
  'SMS_PROVIDERS',
  'SMPP_URL',
  // MQTT devices: each test app runs its embedded broker on a free port unless a test says otherwise
  'MQTT_URL',
  'MQTT_USERNAME',
  'MQTT_PASSWORD',
  'MQTT_CLIENT_ID',
  'MQTT_HOST',
  'MQTT_PORT',
  'MQTT_EMBEDDED',
]

/** Start the app on a free port with an empty data directory; resolves once /healthz answers 200. */
export async function startApp(options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunningApp> {
  ensureBuild()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sargs-e2e-'))
  // a test that must know the address before the app starts (PUBLIC_URL) passes PORT itself
  const port = options.env?.PORT ? Number(options.env.PORT) : await freePort()
  const env: NodeJS.ProcessEnv = { NODE_ENV: 'production' }
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !appVariables.includes(k)) env[k] = v
  Object.assign(env, {
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    SEED_DEMO: 'true',
    LOG_LEVEL: 'warn',
    MQTT_PORT: '0',
    ...options.env,
  })

  const started = Date.now()
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let exitCode: number | null | undefined
  void exited.then((code) => (exitCode = code))

  const url = `http://127.0.0.1:${port}`
  const deadline = started + (options.timeoutMs ?? 90_000)
  for (;;) {
    if (exitCode !== undefined) {
      fs.rmSync(dataDir, { recursive: true, force: true })
      throw new Error(`the app exited with code ${exitCode} before answering:\n${output}`)
    }
    try {
      const res = await fetch(`${url}/healthz`)
      if (res.status === 200) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      fs.rmSync(dataDir, { recursive: true, force: true })
      throw new Error(`the app did not answer /healthz within ${options.timeoutMs ?? 90_000} ms:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const startupMs = Date.now() - started

  let db: Promise<Database> | undefined
  const database = () =>
    (db ??= openDatabase({ env: { dataDir, databaseUrl: undefined }, role: 'cli', socketWaitMs: 10_000 }))

  let stopping: Promise<void> | undefined
  const stop = () =>
    (stopping ??= (async () => {
      if (db) await (await db).close().catch(() => {})
      if (exitCode === undefined) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
        await exited
        clearTimeout(timer)
      }
      fs.rmSync(dataDir, { recursive: true, force: true })
    })())

  return { url, port, dataDir, output: () => output, startupMs, database, stop }
}
