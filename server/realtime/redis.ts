// The socket.io Redis adapter: with several app processes, every emit goes through Redis so that
// dashboards connected to any process receive it. Two connections (publish, subscribe).
import { createAdapter } from '@socket.io/redis-adapter'
import { createClient } from 'redis'

export type RedisLink = {
  adapter: ReturnType<typeof createAdapter>
  health: () => Promise<{ ok: boolean; error?: string }>
  close: () => Promise<void>
}

function redactUrl(url: string): string {
  const u = new URL(url)
  if (u.password) u.password = '***'
  return u.toString()
}

export async function connectRedis(url: string, options: { connectTimeoutMs?: number } = {}): Promise<RedisLink> {
  const pub = createClient({
    url,
    socket: { connectTimeout: 5000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5000) },
  })
  const sub = pub.duplicate()
  let lastLogged = 0
  const onError = (error: Error) => {
    // node-redis reconnects by itself; log at most every 10 s while it is down
    if (Date.now() - lastLogged > 10_000) {
      lastLogged = Date.now()
      console.error(`realtime: Redis ${redactUrl(url)}: ${error.message}`)
    }
  }
  pub.on('error', onError)
  sub.on('error', onError)
  const timeoutMs = options.connectTimeoutMs ?? 10_000
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      Promise.all([pub.connect(), sub.connect()]),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis at ${redactUrl(url)} did not answer within ${timeoutMs} ms`)), timeoutMs)
      }),
    ])
  } catch (error) {
    pub.destroy()
    sub.destroy()
    throw error
  } finally {
    clearTimeout(timer)
  }
  return {
    // one channel prefix for Sargs; separate deployments sharing a Redis use separate databases (redis://host/N)
    adapter: createAdapter(pub, sub, { key: 'sargs.socket.io' }),
    health: async () => {
      if (!pub.isReady || !sub.isReady) return { ok: false, error: 'not connected' }
      const answer = await pub.ping()
      return answer === 'PONG' ? { ok: true } : { ok: false, error: `unexpected answer ${String(answer)}` }
    },
    close: async () => {
      await Promise.allSettled([pub.close(), sub.close()])
    },
  }
}
