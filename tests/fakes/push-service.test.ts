import crypto from 'node:crypto'
import https from 'node:https'
import webpush from 'web-push'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakePushService, type FakePushService } from './push-service.ts'

// The fake is checked against the `web-push` package's own sendNotification (independent of our
// adapter): it decrypts what web-push encrypts, and refuses what a push service must refuse.
describe('fake push service', () => {
  let push: FakePushService
  const keys = webpush.generateVAPIDKeys()
  const vapidDetails = { subject: 'https://sargs.example/contact', ...keys }
  beforeAll(async () => {
    push = await startFakePushService()
  })
  afterAll(async () => push.close())

  it('decrypts what web-push sendNotification sends and answers 201 with a Location', async () => {
    const subscription = push.createSubscription()
    const response = await webpush.sendNotification(subscription, 'Sveiki, Jelgava! Привет!', { vapidDetails, agent: push.agent, TTL: 10 })
    expect(response.statusCode).toBe(201)
    const received = push.received.at(-1)!
    expect(response.headers.location).toBe(`${push.origin}/message/${received.messageId}`)
    expect(received.plaintext).toBe('Sveiki, Jelgava! Привет!')
    expect(received.ttl).toBe(10)
    expect(received.urgency).toBe('normal')
  })

  it('refuses a VAPID token signed by another key, for another audience, and no token', async () => {
    const subscription = push.createSubscription()
    const other = webpush.generateVAPIDKeys()
    const forged = webpush.getVapidHeaders(push.origin, vapidDetails.subject, keys.publicKey, other.privateKey, 'aes128gcm')
    const wrongAud = webpush.getVapidHeaders('https://push.example', vapidDetails.subject, keys.publicKey, keys.privateKey, 'aes128gcm')
    for (const authorization of [forged.Authorization, wrongAud.Authorization]) {
      const details = webpush.generateRequestDetails(subscription, 'x', { vapidDetails: null as unknown as undefined, TTL: 5 })
      const status = await rawPost(details.endpoint, { ...details.headers, Authorization: authorization }, details.body as Buffer)
      expect(status).toBe(401)
    }
    const details = webpush.generateRequestDetails(subscription, 'x', { vapidDetails: null as unknown as undefined, TTL: 5 })
    expect(await rawPost(details.endpoint, details.headers, details.body as Buffer)).toBe(401)
    expect(push.refused.filter((r) => r.subscriptionId === subscription.id).map((r) => r.reason)).toEqual([
      'VAPID: bad signature',
      'VAPID: aud https://push.example is not ' + push.origin,
      'VAPID: no Authorization header',
    ])
  })

  it('refuses a body encrypted for another subscription and a missing TTL', async () => {
    const target = push.createSubscription()
    const other = push.createSubscription()
    const details = webpush.generateRequestDetails(other, 'secret', { vapidDetails, TTL: 5 })
    expect(await rawPost(target.endpoint, details.headers, details.body as Buffer)).toBe(400)
    const headers: Record<string, unknown> = { ...details.headers }
    delete headers.TTL
    expect(await rawPost(other.endpoint, headers, details.body as Buffer)).toBe(400)
    expect(push.refused.slice(-2).map((r) => r.reason)).toEqual([expect.stringMatching(/^decrypt:/), 'missing or bad TTL'])
  })

  it('holds pushes for an offline device, a later push with the same Topic replacing the stored one (RFC 8030 5.4)', async () => {
    const subscription = push.createSubscription()
    push.offline(subscription.id)
    const send = (text: string, topic?: string) =>
      webpush.sendNotification(subscription, text, { vapidDetails, agent: push.agent, TTL: 60, ...(topic ? { topic } : {}) })
    await send('pirmais', 'pludi')
    await send('otrais', 'pludi')
    await send('bez tēmas')
    expect(push.delivered.filter((p) => p.subscriptionId === subscription.id)).toEqual([])
    push.online(subscription.id)
    expect(push.delivered.filter((p) => p.subscriptionId === subscription.id).map((p) => p.plaintext)).toEqual(['otrais', 'bez tēmas'])
    expect(push.received.filter((p) => p.subscriptionId === subscription.id)).toHaveLength(3)
  })

  it('answers late with latency, and keeps a push whose answer is lost (accept-then-hang)', async () => {
    const service = await startFakePushService()
    try {
      const subscription = service.createSubscription()
      service.latency(60_000)
      let answered = false
      const slow = webpush.sendNotification(subscription, 'lēni', { vapidDetails, agent: service.agent, TTL: 5, timeout: 120_000 })
        .then((response) => (answered = true, response))
      // stored at once, answered later
      while (service.received.length === 0) await new Promise((r) => setTimeout(r, 10))
      expect(answered).toBe(false)
      service.latency(0)
      slow.catch(() => undefined) // cut when the service closes
      service.fault(subscription.id, { kind: 'accept-then-hang' }, 1)
      const lost = webpush.sendNotification(subscription, 'pazudis', { vapidDetails, agent: service.agent, TTL: 5, timeout: 500 })
      await expect(lost).rejects.toThrow()
      expect(service.received.map((p) => p.plaintext)).toEqual(['lēni', 'pazudis'])
      expect(answered).toBe(false)
    } finally {
      await service.close()
    }
  })

  it('injects 5xx at the configured rate, reproducibly', async () => {
    const service = await startFakePushService()
    try {
      service.failRate(0.3, 503, 42)
      const subscription = service.createSubscription()
      let failures = 0
      for (let i = 0; i < 100; i += 1) {
        const details = webpush.generateRequestDetails(subscription, `m${i}`, { vapidDetails, TTL: 5 })
        if ((await rawPost(details.endpoint, details.headers, details.body as Buffer, service.agent)) === 503) failures += 1
      }
      expect(failures).toBeGreaterThan(15)
      expect(failures).toBeLessThan(45)
      expect(service.received).toHaveLength(100 - failures)
    } finally {
      await service.close()
    }
  })

  it('uses a P-256 certificate for IP:127.0.0.1', () => {
    const certificate = new crypto.X509Certificate(push.ca)
    expect(certificate.subjectAltName).toBe('IP Address:127.0.0.1')
    expect(certificate.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
  })

  function rawPost(endpoint: string, headers: Record<string, unknown>, body: Buffer, agent = push.agent): Promise<number> {
    return new Promise((resolve, reject) => {
      const request = https.request(endpoint, { method: 'POST', headers: headers as Record<string, string>, agent }, (response) => {
        response.resume()
        response.on('end', () => resolve(response.statusCode ?? 0))
      })
      request.on('error', reject)
      request.end(body)
    })
  }
})
