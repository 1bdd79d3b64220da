// The HTTP server: security headers, Origin check, health, static files, the Remix handler,
// and socket.io on the same port.
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequestHandler } from '@remix-run/express'
import type { ServerBuild } from '@remix-run/node'
import compression from 'compression'
import express from 'express'
import type { Env } from './env.ts'
import { healthHandler, type DependencyCheck } from './http/health.ts'
import { originCheck } from './http/origin.ts'
import { securityHeaders } from './http/security.ts'
import { defaultMapStyleOrigins, mapOriginsFor } from './http/map-origins.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export type AppDependencies = Record<string, { check: DependencyCheck; required: boolean }>

export async function createHttpApp(options: {
  env: Env
  dependencies: AppDependencies
  development?: boolean
}) {
  const { env } = options
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', env.trustProxy)
  const https = env.publicUrl?.startsWith('https:') ?? false
  const mapOrigins = env.mapStyleUrl ? mapOriginsFor(env.mapStyleUrl) : defaultMapStyleOrigins
  app.use(securityHeaders({ mapOrigins, https, development: Boolean(options.development) }))
  app.use(compression())
  app.use(originCheck({ publicOrigin: env.publicUrl ? new URL(env.publicUrl).origin : undefined, trustProxy: env.trustProxy }))

  app.get('/healthz', healthHandler(options.dependencies))

  let build: ServerBuild | (() => Promise<ServerBuild>)
  if (options.development) {
    const vite = await import('vite')
    const viteServer = await vite.createServer({ server: { middlewareMode: true }, root })
    app.use(viteServer.middlewares)
    build = () => viteServer.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>
  } else {
    app.use('/assets', express.static(path.join(root, 'build/client/assets'), { immutable: true, maxAge: '1y' }))
    app.use(express.static(path.join(root, 'build/client'), { maxAge: '1h' }))
    build = (await import(path.join(root, 'build/server/index.js'))) as ServerBuild
  }
  app.use(express.static(path.join(root, 'public'), { maxAge: '1h' }))

  const publicConfig = { mapStyleUrl: env.mapStyleUrl ?? null }
  app.all(
    '*',
    createRequestHandler({
      build,
      mode: options.development ? 'development' : 'production',
      getLoadContext: (req, res) => ({
        nonce: res.locals.nonce as string,
        clientIp: (env.trustProxy ? req.ip : req.socket.remoteAddress) ?? 'unknown',
        publicConfig,
        secureCookies: https,
        publicUrl: env.publicUrl,
        pushServiceHosts: env.pushServiceHosts,
        smsReceiptSecret: env.sms?.receiptSecret,
      }),
    }),
  )

  const server = http.createServer(app)
  return { app, server }
}
