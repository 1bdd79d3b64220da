// The one validated configuration module. Everything the app and the CLI read from the
// environment is read here, validated, and handed on as a typed object; nothing else reads
// process.env. A bad value stops the process at start with a message naming the variable.
import path from 'node:path'
import { z } from 'zod'
import { defaultPushServiceHosts, parsePushServiceHosts } from '#notify/channels/push-service-hosts.ts'
import type { SmsConfig } from '#notify/channels/sms/sms-providers.ts'
import type { MqttConfig } from './mqtt/start-mqtt.ts'

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes')

// One message per bad URL: not a URL at all, or the wrong scheme.
const url = (protocols: string[]) =>
  z.string().superRefine((v, ctx) => {
    const schemes = protocols.map((p) => p + '//').join(' or ')
    if (!URL.canParse(v)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be a URL starting with ${schemes}` })
    } else if (!protocols.includes(new URL(v).protocol)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must start with ${schemes}` })
    }
  })

// digits only: Number() would also take ' ', '0x50' and '1e3'
const port = z
  .string()
  .regex(/^\d+$/, 'must be a port number (0-65535)')
  .transform(Number)
  .pipe(z.number().int().min(0).max(65535))

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default('3000'),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  DATA_DIR: z.string().min(1).default('data'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  MAP_STYLE_URL: url(['http:', 'https:']).optional(),
  TRUST_PROXY: boolean.default('false'),
  SEED_DEMO: boolean.default('true'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** inline: the notification dispatcher runs in the app process; off: only in `sargs worker` processes */
  WORKER: z.enum(['inline', 'off']).default('inline'),
  /** VAPID contact (RFC 8292): mailto: or https:; default PUBLIC_URL when it is https */
  VAPID_SUBJECT: url(['mailto:', 'https:']).optional(),
  /** push services Sargs may POST to: comma-separated host names or *.suffix (default: the browsers' own) */
  PUSH_SERVICE_HOSTS: z
    .string()
    .transform((v, ctx) => {
      const parsed = parsePushServiceHosts(v)
      if (typeof parsed === 'string') {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed })
        return z.NEVER
      }
      return parsed
    })
    .optional(),
  /** SMS over a generic HTTP gateway (docs/decisions/013): its send endpoint */
  SMS_GATEWAY_URL: url(['http:', 'https:']).optional(),
  /** the gateway's bearer token, or SMS_GATEWAY_USER + SMS_GATEWAY_PASSWORD for Basic */
  SMS_GATEWAY_TOKEN: z.string().min(1).optional(),
  SMS_GATEWAY_USER: z.string().min(1).optional(),
  SMS_GATEWAY_PASSWORD: z.string().min(1).optional(),
  /** shared secret of the gateway's signed delivery receipts (POST /api/sms/receipts) */
  SMS_RECEIPT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** SMS over SMPP 3.4 (docs/decisions/014): smpp://systemId:password@host:port */
  SMPP_URL: url(['smpp:']).optional(),
  /** the sender shown on phones: up to 11 letters/digits, or a number */
  SMS_SENDER_ID: z.string().regex(/^([A-Za-z0-9 ]{1,11}|\+?\d{3,15})$/, 'must be up to 11 letters and digits, or a number').default('Sargs'),
  /** the provider's rate limit, SMS per second, held by each sending process (unset: as fast as it answers) */
  SMS_RATE_PER_SECOND: z.string().regex(/^\d+(\.\d+)?$/, 'must be a number of messages per second').transform(Number).pipe(z.number().positive()).optional(),
  /** base64 of 32 random bytes: the key that seals channel credentials (default: DATA_DIR/secrets.key, made on first start) */
  SECRETS_KEY: z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes in base64 (openssl rand -base64 32)').optional(),
  /** provider order when both are configured: http,smpp (default) or smpp,http — the second is the fallback */
  SMS_PROVIDERS: z.enum(['http,smpp', 'smpp,http', 'http', 'smpp']).optional(),
  /** an external MQTT 5 broker for sirens, displays and paging gateways (e.g. Mosquitto); unset: the embedded broker */
  MQTT_URL: url(['mqtt:', 'mqtts:']).optional(),
  /** Sargs's credentials on the external broker (or in MQTT_URL) */
  MQTT_USERNAME: z.string().min(1).optional(),
  MQTT_PASSWORD: z.string().min(1).optional(),
  /** Sargs's fixed client id on the external broker (its persistent session) */
  MQTT_CLIENT_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 _ -').default('sargs'),
  /** the embedded broker's address (0.0.0.0 for devices on the local network) and port (0: any free port) */
  MQTT_HOST: z.string().min(1).default('127.0.0.1'),
  MQTT_PORT: port.default('1884'),
  /** false: no embedded broker (and no 'mqtt' channel unless MQTT_URL is set) */
  MQTT_EMBEDDED: boolean.default('true'),
})

export type Env = {
  nodeEnv: 'development' | 'production' | 'test'
  host: string
  port: number
  publicUrl: string | undefined
  dataDir: string
  databaseUrl: string | undefined
  redisUrl: string | undefined
  mapStyleUrl: string | undefined
  trustProxy: boolean
  seedDemo: boolean
  logLevel: 'debug' | 'info' | 'warn' | 'error'
  worker: 'inline' | 'off'
  vapidSubject: string
  pushServiceHosts: string[]
  /** undefined: no SMS provider is configured (the 'sms' channel waits) */
  sms: SmsConfig | undefined
  /** SECRETS_KEY; undefined: the key file in the data directory (server/secrets-key.ts) */
  secretsKey: Buffer | undefined
  /** MQTT devices (server/mqtt/start-mqtt.ts): the external broker, the embedded one, or none */
  mqtt: MqttConfig | undefined
}

export class ConfigError extends Error {
  constructor(public readonly issues: { variable: string; message: string }[]) {
    super(
      'Invalid configuration:\n' +
        issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n'),
    )
    this.name = 'ConfigError'
  }
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // empty strings count as unset, as in most .env tooling
  const cleaned = Object.fromEntries(
    Object.keys(schema.shape).map((k) => [k, source[k] === '' ? undefined : source[k]]),
  )
  const result = schema.safeParse(cleaned)
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => ({ variable: String(i.path[0]), message: i.message })),
    )
  }
  const e = result.data
  const sms = smsConfig(e)
  return {
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    mapStyleUrl: e.MAP_STYLE_URL,
    trustProxy: e.TRUST_PROXY,
    seedDemo: e.SEED_DEMO,
    logLevel: e.LOG_LEVEL,
    worker: e.WORKER,
    // RFC 8292: a mailto: or https: contact for the push services
    vapidSubject: e.VAPID_SUBJECT ?? (e.PUBLIC_URL?.startsWith('https:') ? e.PUBLIC_URL.replace(/\/$/, '') : 'mailto:sargs@localhost'),
    pushServiceHosts: e.PUSH_SERVICE_HOSTS ?? [...defaultPushServiceHosts],
    sms,
    secretsKey: e.SECRETS_KEY ? Buffer.from(e.SECRETS_KEY, 'base64') : undefined,
    mqtt: mqttConfig(e),
  }
}

function mqttConfig(e: z.infer<typeof schema>): MqttConfig | undefined {
  if (e.MQTT_URL) {
    const u = new URL(e.MQTT_URL)
    const username = e.MQTT_USERNAME ?? (u.username ? decodeURIComponent(u.username) : undefined)
    const password = e.MQTT_PASSWORD ?? (u.password ? decodeURIComponent(u.password) : undefined)
    u.username = ''
    u.password = ''
    return { kind: 'external', url: u.toString().replace(/\/$/, ''), clientId: e.MQTT_CLIENT_ID, ...(username ? { username } : {}), ...(password ? { password } : {}) }
  }
  return e.MQTT_EMBEDDED ? { kind: 'embedded', host: e.MQTT_HOST, port: e.MQTT_PORT } : undefined
}

function smsConfig(e: z.infer<typeof schema>): SmsConfig | undefined {
  const problems: { variable: string; message: string }[] = []
  const providers: SmsConfig['providers'] = []
  if (e.SMS_GATEWAY_URL) {
    if (e.SMS_GATEWAY_TOKEN) {
      providers.push({ name: 'http', url: e.SMS_GATEWAY_URL, auth: { kind: 'bearer', token: e.SMS_GATEWAY_TOKEN } })
    } else if (e.SMS_GATEWAY_USER && e.SMS_GATEWAY_PASSWORD) {
      providers.push({ name: 'http', url: e.SMS_GATEWAY_URL, auth: { kind: 'basic', username: e.SMS_GATEWAY_USER, password: e.SMS_GATEWAY_PASSWORD } })
    } else {
      problems.push({ variable: 'SMS_GATEWAY_TOKEN', message: 'set it (or SMS_GATEWAY_USER and SMS_GATEWAY_PASSWORD) with SMS_GATEWAY_URL' })
    }
  }
  if (e.SMPP_URL) {
    const u = new URL(e.SMPP_URL)
    if (!u.username || !u.password || !u.hostname) {
      problems.push({ variable: 'SMPP_URL', message: 'must name the system id, password and host: smpp://systemId:password@host:port' })
    } else {
      providers.push({ name: 'smpp', host: u.hostname, port: Number(u.port || 2775), systemId: decodeURIComponent(u.username), password: decodeURIComponent(u.password) })
    }
  }
  if (e.SMS_PROVIDERS) {
    const order = e.SMS_PROVIDERS.split(',')
    for (const name of order) {
      if (!providers.some((p) => p.name === name)) problems.push({ variable: 'SMS_PROVIDERS', message: `names ${name}, which is not configured` })
    }
    providers.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name))
    providers.splice(0, providers.length, ...providers.filter((p) => order.includes(p.name)))
  }
  if (problems.length > 0) throw new ConfigError(problems)
  if (providers.length === 0) return undefined
  return { senderId: e.SMS_SENDER_ID, receiptSecret: e.SMS_RECEIPT_SECRET, providers, ...(e.SMS_RATE_PER_SECOND ? { ratePerSecond: e.SMS_RATE_PER_SECOND } : {}) }
}
