// The browser side of subscribing: the service worker registration, the PushManager, and our
// subscription API. Browser-only (called from event handlers and effects).
import type { Position } from '#domain/geo/types.ts'
import { SERVICE_WORKER_URL } from './service-worker-registration'

export type Choices = { places: Position[]; languages: string[]; minSeverity: string }

export type SubscribeOutcome =
  | { kind: 'subscribed'; created: boolean; endpoint: string; places: Position[] }
  | { kind: 'unsupported' }
  | { kind: 'denied' }
  | { kind: 'invalid'; errors: Record<string, string> }
  | { kind: 'rate-limited'; retryAfterSeconds: number }
  | { kind: 'failed'; detail: string }

export function pushSupported(): boolean {
  return typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window
}

function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(value.length / 4) * 4, '=')
  const binary = atob(base64)
  const bytes = new Uint8Array(new ArrayBuffer(binary.length))
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i)
  return bytes
}

function sameKey(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a) return true // unknown: keep the subscription
  const x = new Uint8Array(a)
  return x.length === b.length && x.every((v, i) => v === b[i])
}

async function registration(): Promise<ServiceWorkerRegistration> {
  await navigator.serviceWorker.register(SERVICE_WORKER_URL, { scope: '/' })
  return navigator.serviceWorker.ready
}

/** This browser's current push subscription, if any (without asking for anything). */
export async function currentSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null
  const reg = await navigator.serviceWorker.getRegistration('/')
  return reg ? reg.pushManager.getSubscription() : null
}

async function jsonOf(response: Response): Promise<Record<string, unknown>> {
  try {
    return (await response.json()) as Record<string, unknown>
  } catch {
    return {}
  }
}

/** Ask for permission (now, because the resident pressed Subscribe), subscribe, and tell the server. */
export async function subscribe(choices: Choices): Promise<SubscribeOutcome> {
  if (!pushSupported()) return { kind: 'unsupported' }
  try {
    const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission()
    if (permission !== 'granted') return { kind: 'denied' }
    const reg = await registration()
    const keyResponse = await fetch('/api/push/vapid-public-key', { headers: { Accept: 'application/json' } })
    if (keyResponse.status === 429) return { kind: 'rate-limited', retryAfterSeconds: Number(keyResponse.headers.get('Retry-After') ?? 60) }
    if (!keyResponse.ok) return { kind: 'failed', detail: `vapid key ${keyResponse.status}` }
    const key = base64UrlToBytes(String((await jsonOf(keyResponse)).publicKey ?? ''))
    let subscription = await reg.pushManager.getSubscription()
    if (subscription && !sameKey(subscription.options?.applicationServerKey, key)) {
      // the server's key was rotated: this subscription can no longer be used
      await subscription.unsubscribe()
      subscription = null
    }
    subscription ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
    const response = await fetch('/api/push/subscriptions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ ...subscription.toJSON(), ...choices }),
    })
    const body = await jsonOf(response)
    if (response.status === 200 || response.status === 201) {
      const saved = body.subscription as { places: Position[] }
      return { kind: 'subscribed', created: response.status === 201, endpoint: subscription.endpoint, places: saved.places }
    }
    if (response.status === 422 || response.status === 409) return { kind: 'invalid', errors: (body.errors as Record<string, string>) ?? {} }
    if (response.status === 429) return { kind: 'rate-limited', retryAfterSeconds: Number(response.headers.get('Retry-After') ?? 60) }
    return { kind: 'failed', detail: `subscribe ${response.status}` }
  } catch (error) {
    return { kind: 'failed', detail: error instanceof Error ? error.message : String(error) }
  }
}

/** Unsubscribe in one tap: the server forgets this browser (endpoint + auth secret), then the browser does. */
export async function unsubscribe(): Promise<'removed' | 'rate-limited' | 'failed'> {
  try {
    const subscription = await currentSubscription()
    if (!subscription) return 'removed'
    const response = await fetch('/api/push/subscriptions', {
      method: 'DELETE',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(subscription.toJSON()),
    })
    if (response.status === 429) return 'rate-limited'
    // 404: the server had already forgotten it (e.g. the push service said it is gone)
    if (!response.ok && response.status !== 404) return 'failed'
    await subscription.unsubscribe()
    return 'removed'
  } catch {
    return 'failed'
  }
}
