import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { listen, rawRequest, type Listening } from '#tests/support/http.ts'
import { healthHandler, type Dependencies, type HealthReport } from './health.ts'

let server: Listening | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function healthz(deps: Dependencies, timeoutMs = 200) {
  const app = express()
  app.get('/healthz', healthHandler(deps, timeoutMs))
  server = await listen(app)
  const res = await rawRequest({ port: server.port, path: '/healthz' })
  expect(res.headers['content-type']).toMatch(/^application\/json/)
  expect(res.headers['cache-control']).toBe('no-store')
  return { status: res.status, report: JSON.parse(res.body) as HealthReport }
}

const up = async () => ({ ok: true })
const down = async () => ({ ok: false, error: 'connection refused' })
const throws = async () => {
  throw new Error('ECONNREFUSED 127.0.0.1:5432')
}
const hangs = () => new Promise<never>(() => {})

describe('GET /healthz', () => {
  it('200 ok when every dependency answers', async () => {
    const { status, report } = await healthz({ database: { check: up, required: true }, redis: { check: up, required: false } })
    expect(status).toBe(200)
    expect(report.status).toBe('ok')
    expect(report.checks.database).toMatchObject({ ok: true, required: true })
    expect(report.checks.redis).toMatchObject({ ok: true, required: false })
    expect(typeof report.checks.database.latencyMs).toBe('number')
  })

  it('503 down when a required dependency reports failure', async () => {
    const { status, report } = await healthz({ database: { check: down, required: true } })
    expect(status).toBe(503)
    expect(report.status).toBe('down')
    expect(report.checks.database).toMatchObject({ ok: false, error: 'connection refused' })
  })

  it('503 down when a required dependency throws, with the error in the report', async () => {
    const { status, report } = await healthz({ database: { check: throws, required: true }, broker: { check: up, required: false } })
    expect(status).toBe(503)
    expect(report.status).toBe('down')
    expect(report.checks.database.error).toMatch(/ECONNREFUSED/)
    expect(report.checks.broker.ok).toBe(true)
  })

  it('503 down when a required dependency hangs past the timeout, answering in time', async () => {
    const started = Date.now()
    const { status, report } = await healthz({ database: { check: hangs, required: true } }, 150)
    const elapsed = Date.now() - started
    expect(status).toBe(503)
    expect(report.checks.database.ok).toBe(false)
    expect(report.checks.database.error).toMatch(/no answer within 150 ms/)
    expect(elapsed).toBeGreaterThanOrEqual(140)
    expect(elapsed).toBeLessThan(2000)
  })

  it('200 degraded when only an optional dependency is down or hangs', async () => {
    const { status, report } = await healthz({
      database: { check: up, required: true },
      broker: { check: down, required: false },
      redis: { check: hangs, required: false },
    })
    expect(status).toBe(200)
    expect(report.status).toBe('degraded')
    expect(report.checks.broker.ok).toBe(false)
    expect(report.checks.redis.ok).toBe(false)
  })

  it('reports dependencies added after the handler was created', async () => {
    const deps: Dependencies = { database: { check: up, required: true } }
    const app = express()
    app.get('/healthz', healthHandler(deps, 200))
    server = await listen(app)
    deps.redis = { check: down, required: true }
    const res = await rawRequest({ port: server.port, path: '/healthz' })
    expect(res.status).toBe(503)
    expect(JSON.parse(res.body).checks.redis.ok).toBe(false)
  })

  it('200 ok with no dependencies at all', async () => {
    const { status, report } = await healthz({})
    expect(status).toBe(200)
    expect(report).toEqual({ status: 'ok', checks: {} })
  })
})
