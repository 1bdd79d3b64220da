// The production dispatcher, the same in the app process (WORKER=inline) and in `sargs worker`:
// web push with the instance's VAPID keys (made on first start, kept in the database), a
// keep-alive HTTPS agent, and the exercise sink for every alert that is not Actual.
import https from 'node:https'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { WebPushAdapter } from '#notify/channels/web-push.ts'
import { Dispatcher, type ChannelRoute, type DispatcherOptions } from './dispatcher.ts'
import { ExerciseSink } from './exercise-sink.ts'
import { ensureVapidKeys } from './vapid-keys.ts'
import { webPushRoute } from './web-push-route.ts'

export type BuildDispatcherOptions = {
  prisma: PrismaClient
  /** RFC 8292 contact: mailto: or https: (server/env.ts VAPID_SUBJECT) */
  vapidSubject: string
  /** push services the adapter may POST to (server/env.ts PUSH_SERVICE_HOSTS) */
  pushServiceHosts: readonly string[]
  exerciseSink?: ExerciseSink
  /** HTTPS agent for the push services (default: keep-alive, the system's CAs and NODE_EXTRA_CA_CERTS) */
  agent?: https.Agent
  /** tuning (batch sizes, lease …); the defaults are the dispatcher's */
  tuning?: Omit<Partial<DispatcherOptions>, 'prisma' | 'routes' | 'exerciseSink'>
}

export async function buildDispatcher(options: BuildDispatcherOptions): Promise<Dispatcher> {
  const keys = await ensureVapidKeys(options.prisma)
  const adapter = new WebPushAdapter({
    vapid: { subject: options.vapidSubject, publicKey: keys.publicKey, privateKey: keys.privateKey },
    agent: options.agent ?? new https.Agent({ keepAlive: true, maxSockets: 64 }),
    pushServiceHosts: options.pushServiceHosts,
  })
  return new Dispatcher({
    prisma: options.prisma,
    routes: [webPushRoute(adapter) as ChannelRoute<unknown>],
    exerciseSink: options.exerciseSink ?? new ExerciseSink(),
    ...options.tuning,
  })
}
