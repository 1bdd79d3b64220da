// The production dispatcher, the same in the app process (WORKER=inline) and in `sargs worker`:
// web push with the instance's VAPID keys (made on first start, kept in the database), a
// keep-alive undici pool per push service, SMS through the configured providers (HTTP gateway and/or SMPP, the
// second a fallback: decision 018), and the exercise sink for every alert that is not Actual.
import https from 'node:https'
import type { Dispatcher as HttpDispatcher } from 'undici'
import { handleSmsReply } from '#domain/sms/receive-sms-reply.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { HttpSmsGatewayAdapter } from '#notify/channels/sms/http-gateway.ts'
import { SmsProviderChain, type SmsConfig, type SmsProvider } from '#notify/channels/sms/sms-providers.ts'
import { SmppAdapter } from '#notify/channels/smpp/smpp-adapter.ts'
import type { MqttDeviceAdapter } from '#notify/channels/mqtt/adapter.ts'
import { SocialAccountsAdapter } from '#notify/channels/social/social-accounts-adapter.ts'
import { WebPushAdapter } from '#notify/channels/web-push.ts'
import { applySmppReceipt } from '#notify/ledger/apply-sms-receipt.ts'
import { Dispatcher, type ChannelRoute, type DispatcherOptions } from './dispatcher.ts'
import { ExerciseSink } from './exercise-sink.ts'
import { phoneRoute } from './phone-route.ts'
import { mqttRoute } from './mqtt-route.ts'
import { smsRoute } from './sms-route.ts'
import { socialRoute } from './social-route.ts'
import { ensureVapidKeys } from './vapid-keys.ts'
import { webPushRoute } from './web-push-route.ts'

export type BuildDispatcherOptions = {
  prisma: PrismaClient
  /** RFC 8292 contact: mailto: or https: (server/env.ts VAPID_SUBJECT) */
  vapidSubject: string
  /** push services the adapter may POST to (server/env.ts PUSH_SERVICE_HOSTS) */
  pushServiceHosts: readonly string[]
  /** SMS providers (server/env.ts); no 'sms' route when absent: SMS deliveries wait */
  sms?: SmsConfig
  /** the public origin (PUBLIC_URL): links in SMS texts and the gateway's receipt callback */
  publicUrl?: string
  /** the key that opens channel credentials (server/secrets-key.ts); no 'social' or 'phone' route without it */
  secretsKey?: Buffer
  /** HTTPS agent for an https SMS gateway (default: the system's CAs and NODE_EXTRA_CA_CERTS) */
  smsAgent?: https.Agent
  exerciseSink?: ExerciseSink
  /** sirens, displays and paging gateways (server/mqtt/start-mqtt.ts); no 'mqtt' route without it */
  mqtt?: MqttDeviceAdapter
  /** undici dispatcher for the push services (default: keep-alive pools per push service, the system's CAs and NODE_EXTRA_CA_CERTS) */
  pushDispatcher?: HttpDispatcher
  /** tuning (batch sizes, lease …); the defaults are the dispatcher's */
  tuning?: Omit<Partial<DispatcherOptions>, 'prisma' | 'routes' | 'exerciseSink'>
}

export async function buildDispatcher(options: BuildDispatcherOptions): Promise<Dispatcher> {
  const keys = await ensureVapidKeys(options.prisma)
  const adapter = new WebPushAdapter({
    vapid: { subject: options.vapidSubject, publicKey: keys.publicKey, privateKey: keys.privateKey },
    ...(options.pushDispatcher ? { dispatcher: options.pushDispatcher } : {}),
    pushServiceHosts: options.pushServiceHosts,
  })
  const routes = [webPushRoute(adapter) as ChannelRoute<unknown>]
  if (options.sms) routes.push(smsRoute({ adapter: buildSmsProviders(options), baseUrl: options.publicUrl }) as ChannelRoute<unknown>)
  if (options.secretsKey) routes.push(socialRoute({ adapter: new SocialAccountsAdapter(), secretsKey: options.secretsKey, baseUrl: options.publicUrl }) as ChannelRoute<unknown>)
  // desk IP phones of paging groups (credentials sealed under the same key; decision 021)
  if (options.secretsKey) routes.push(phoneRoute({ secretsKey: options.secretsKey, baseUrl: options.publicUrl }) as ChannelRoute<unknown>)
  if (options.mqtt) routes.push(mqttRoute({ adapter: options.mqtt }) as ChannelRoute<unknown>)
  return new Dispatcher({
    prisma: options.prisma,
    routes,
    exerciseSink: options.exerciseSink ?? new ExerciseSink(),
    ...options.tuning,
  })
}

/**
 * The configured SMS providers in order, as one adapter on channel 'sms' (the dispatcher's; the web
 * process builds one of its own for residents' confirmation codes). SMPP receipts go to the ledger.
 */
export function buildSmsProviders(options: Pick<BuildDispatcherOptions, 'prisma' | 'sms' | 'publicUrl' | 'smsAgent'>): SmsProviderChain {
  const sms = options.sms
  if (!sms) throw new Error('buildSmsProviders: SMS is not configured')
  const providers = sms.providers.map((p): SmsProvider => {
    if (p.name === 'http') {
      // receipts need both a public address the gateway can reach and the shared secret
      const callback = options.publicUrl && sms.receiptSecret ? `${options.publicUrl}/api/sms/receipts` : undefined
      return {
        name: 'http',
        adapter: new HttpSmsGatewayAdapter({ url: p.url, auth: p.auth, senderId: sms.senderId, ...(sms.ratePerSecond ? { ratePerSecond: sms.ratePerSecond } : {}), ...(callback ? { statusCallbackUrl: callback } : {}), ...(options.smsAgent ? { agent: options.smsAgent } : {}) }),
      }
    }
    const smpp = new SmppAdapter({
      host: p.host,
      port: p.port,
      systemId: p.systemId,
      password: p.password,
      sourceAddr: sms.senderId,
      registeredDelivery: true,
      enquireLinkMs: 30_000,
      ...(sms.ratePerSecond ? { ratePerSecond: sms.ratePerSecond } : {}),
      // an unknown id (the result is not written yet) is refused, so the SMSC offers it again
      onReceipt: async (receipt) => {
        if ((await applySmppReceipt(options.prisma, receipt)) === 'unknown') throw new Error('receipt for an unknown message id')
      },
      // a resident's STOP reply unsubscribes the number
      onInbound: async (message) => {
        await handleSmsReply({ prisma: options.prisma, from: message.from, text: message.text })
      },
    })
    smpp.connect()
    return { name: 'smpp', adapter: smpp }
  })
  return new SmsProviderChain(providers)
}
