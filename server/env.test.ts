import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultPushServiceHosts } from '#notify/channels/push-service-hosts.ts'
import { ConfigError, parseEnv } from './env.ts'

function configError(source: Record<string, string>): ConfigError {
  try {
    parseEnv(source)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(source)}`)
}

describe('parseEnv', () => {
  it('has safe defaults: local only, embedded database in ./data, production', () => {
    expect(parseEnv({})).toEqual({
      nodeEnv: 'production',
      host: '127.0.0.1',
      port: 3000,
      publicUrl: undefined,
      dataDir: path.resolve('data'),
      databaseUrl: undefined,
      redisUrl: undefined,
      mapStyleUrl: undefined,
      trustProxy: false,
      seedDemo: true,
      logLevel: 'info',
      worker: 'inline',
      vapidSubject: 'mailto:sargs@localhost',
      pushServiceHosts: [...defaultPushServiceHosts],
      // sirens and displays: the embedded broker, on this machine only
      mqtt: { kind: 'embedded', host: '127.0.0.1', port: 1884 },
    })
  })

  it('reads MQTT: an external broker (credentials out of the URL), or no broker at all', () => {
    expect(parseEnv({ MQTT_URL: 'mqtt://sargs:s%40cret@broker.internal:1883', MQTT_CLIENT_ID: 'sargs-jelgava' }).mqtt).toEqual({
      kind: 'external', url: 'mqtt://broker.internal:1883', clientId: 'sargs-jelgava', username: 'sargs', password: 's@cret',
    })
    expect(parseEnv({ MQTT_EMBEDDED: 'false' }).mqtt).toBeUndefined()
    expect(parseEnv({ MQTT_HOST: '0.0.0.0', MQTT_PORT: '1885' }).mqtt).toEqual({ kind: 'embedded', host: '0.0.0.0', port: 1885 })
  })

  it('reads good values', () => {
    const env = parseEnv({
      NODE_ENV: 'development',
      HOST: '0.0.0.0',
      PORT: '8080',
      PUBLIC_URL: 'https://sargs.jelgava.lv/',
      DATA_DIR: '/var/lib/sargs',
      DATABASE_URL: 'postgresql://sargs:secret@db.internal:5432/sargs',
      REDIS_URL: 'redis://127.0.0.1:6379',
      MAP_STYLE_URL: 'https://tiles.example.lv/style.json',
      TRUST_PROXY: 'true',
      SEED_DEMO: 'no',
      LOG_LEVEL: 'debug',
      WORKER: 'off',
      PUSH_SERVICE_HOSTS: 'fcm.googleapis.com, *.push.apple.com',
    })
    expect(env).toEqual({
      nodeEnv: 'development',
      host: '0.0.0.0',
      port: 8080,
      publicUrl: 'https://sargs.jelgava.lv',
      dataDir: '/var/lib/sargs',
      databaseUrl: 'postgresql://sargs:secret@db.internal:5432/sargs',
      redisUrl: 'redis://127.0.0.1:6379',
      mapStyleUrl: 'https://tiles.example.lv/style.json',
      trustProxy: true,
      seedDemo: false,
      logLevel: 'debug',
      worker: 'off',
      vapidSubject: 'https://sargs.jelgava.lv',
      pushServiceHosts: ['fcm.googleapis.com', '*.push.apple.com'],
      mqtt: { kind: 'embedded', host: '127.0.0.1', port: 1884 },
    })
    expect(parseEnv({ VAPID_SUBJECT: 'mailto:cp@jelgava.lv' }).vapidSubject).toBe('mailto:cp@jelgava.lv')
  })

  it('accepts the boolean spellings true/false, 1/0, yes/no', () => {
    for (const [value, expected] of [['true', true], ['1', true], ['yes', true], ['false', false], ['0', false], ['no', false]] as const) {
      expect(parseEnv({ TRUST_PROXY: value }).trustProxy, value).toBe(expected)
    }
  })

  it('treats empty strings as unset', () => {
    const env = parseEnv({ PORT: '', HOST: '', DATABASE_URL: '', TRUST_PROXY: '' })
    expect(env.port).toBe(3000)
    expect(env.host).toBe('127.0.0.1')
    expect(env.databaseUrl).toBeUndefined()
    expect(env.trustProxy).toBe(false)
  })

  it('ignores variables it does not know', () => {
    expect(parseEnv({ PATH: '/usr/bin', SOMETHING_ELSE: '!!' }).port).toBe(3000)
  })

  it('relative DATA_DIR resolves against the working directory', () => {
    expect(parseEnv({ DATA_DIR: 'tmp/db' }).dataDir).toBe(path.resolve('tmp/db'))
  })

  const bad: [variable: string, value: string][] = [
    ['NODE_ENV', 'staging'],
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['PORT', ' '],
    ['PORT', '0x50'],
    ['PORT', '1e3'],
    ['PUBLIC_URL', 'sargs.jelgava.lv'],
    ['PUBLIC_URL', 'ftp://sargs.jelgava.lv'],
    ['DATABASE_URL', 'mysql://root@localhost/sargs'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['MAP_STYLE_URL', 'file:///etc/passwd'],
    ['TRUST_PROXY', 'maybe'],
    ['SEED_DEMO', '2'],
    ['LOG_LEVEL', 'verbose'],
    ['WORKER', 'separate'],
    ['VAPID_SUBJECT', 'http://sargs.jelgava.lv'],
    ['PUSH_SERVICE_HOSTS', ' , '],
    ['PUSH_SERVICE_HOSTS', 'https://fcm.googleapis.com'],
  ]
  for (const [variable, value] of bad) {
    it(`refuses ${variable}=${JSON.stringify(value)} with a ConfigError naming ${variable}`, () => {
      const error = configError({ [variable]: value })
      expect(error.issues.map((i) => i.variable)).toEqual([variable])
      expect(error.message).toContain(`${variable}:`)
      expect(error.message).toMatch(/^Invalid configuration:/)
    })
  }

  it('names every bad variable at once', () => {
    const error = configError({ PORT: 'abc', REDIS_URL: 'http://x', LOG_LEVEL: 'loud' })
    expect(error.issues.map((i) => i.variable).sort()).toEqual(['LOG_LEVEL', 'PORT', 'REDIS_URL'])
    expect(error.name).toBe('ConfigError')
  })

  it('explains the expected scheme for a URL of the wrong kind', () => {
    const error = configError({ DATABASE_URL: 'mysql://root@localhost/sargs' })
    expect(error.issues[0].message).toMatch(/postgres:\/\/ or postgresql:\/\//)
  })
})
