// GET /healthz: the state of each dependency, 503 when one the app needs is down.
export type DependencyCheck = () => Promise<{ ok: boolean; latencyMs?: number; error?: string }>

export type HealthReport = {
  status: 'ok' | 'degraded' | 'down'
  checks: Record<string, { ok: boolean; required: boolean; latencyMs?: number; error?: string }>
}

export async function checkHealth(
  deps: Record<string, { check: DependencyCheck; required: boolean }>,
  timeoutMs = 2000,
): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(deps).map(async ([name, dep]) => {
      const started = Date.now()
      try {
        const result = await Promise.race([
          dep.check(),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
          ),
        ])
        return [name, { required: dep.required, latencyMs: Date.now() - started, ...result }] as const
      } catch (error) {
        return [
          name,
          { ok: false, required: dep.required, latencyMs: Date.now() - started, error: (error as Error).message },
        ] as const
      }
    }),
  )
  const checks = Object.fromEntries(entries)
  const requiredDown = entries.some(([, c]) => c.required && !c.ok)
  const anyDown = entries.some(([, c]) => !c.ok)
  return { status: requiredDown ? 'down' : anyDown ? 'degraded' : 'ok', checks }
}
