// GET /healthz: the state of each dependency, 503 when one the app needs is down.
import type { Request, Response } from 'express'

export type DependencyCheck = () => Promise<{ ok: boolean; latencyMs?: number; error?: string }>

export type Dependencies = Record<string, { check: DependencyCheck; required: boolean }>

export type HealthReport = {
  status: 'ok' | 'degraded' | 'down'
  checks: Record<string, { ok: boolean; required: boolean; latencyMs?: number; error?: string }>
}

export async function checkHealth(deps: Dependencies, timeoutMs = 2000): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(deps).map(async ([name, dep]) => {
      const started = Date.now()
      let timer: NodeJS.Timeout | undefined
      try {
        const result = await Promise.race([
          dep.check(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
            timer.unref()
          }),
        ])
        return [name, { required: dep.required, latencyMs: Date.now() - started, ...result }] as const
      } catch (error) {
        return [
          name,
          { ok: false, required: dep.required, latencyMs: Date.now() - started, error: (error as Error).message },
        ] as const
      } finally {
        clearTimeout(timer)
      }
    }),
  )
  const checks = Object.fromEntries(entries)
  const requiredDown = entries.some(([, c]) => c.required && !c.ok)
  const anyDown = entries.some(([, c]) => !c.ok)
  return { status: requiredDown ? 'down' : anyDown ? 'degraded' : 'ok', checks }
}

/**
 * The /healthz handler. Reads `deps` at each request, so dependencies added after start (Redis once
 * the realtime layer is attached) are reported too. Never cached by proxies.
 */
export function healthHandler(deps: Dependencies, timeoutMs = 2000) {
  return async (_req: Request, res: Response) => {
    const report = await checkHealth(deps, timeoutMs)
    res.setHeader('Cache-Control', 'no-store')
    res.status(report.status === 'down' ? 503 : 200).json(report)
  }
}
