// Sargs service worker (plain JavaScript, same origin, scope "/"): shows the alerts that arrive
// by web push, opens the alert's page on a tap, and keeps the resident pages for reading offline.
//
// Push payload (notify/dispatch/render-push.ts PushPayload, JSON, already in the resident's
// language): identifier, status, msgType, sent, lang, event, severity, urgency, headline,
// description, instruction, expires?, url, and optionally tag/topic. An Update or Cancel carries
// the tag of the alert it changes, so on the device it replaces the earlier notification.
//
// Caches: "sargs-pages-v1" holds the resident pages (network first, the cached copy when offline),
// the alert pages of received pushes, and the active alerts as GeoJSON; "sargs-assets-v1" holds the
// hashed build assets (immutable). Staff pages, APIs that change state and everything else go to
// the network untouched.
const PAGES = 'sargs-pages-v1'
const ASSETS = 'sargs-assets-v1'
const KEEP = [PAGES, ASSETS]
const PRECACHE = ['/public', '/prepare', '/manifest.webmanifest', '/favicon.svg', '/icons/icon.svg', '/icons/icon-192.png', '/icons/badge-96.png']
const MAX_ALERT_PAGES = 50

const isPublicPage = (path) =>
  path === '/public' || path === '/prepare' || path === '/subscribe' || path.startsWith('/alerts/') ||
  path === '/public.data' || path === '/prepare.data' || path === '/subscribe.data'
const isCachedData = (path) =>
  path === '/api/alerts/active' || path === '/feeds/alerts.atom' || path === '/manifest.webmanifest' ||
  path === '/favicon.svg' || path.startsWith('/icons/')
// Remix asks for the routes of the links on a page (lazy route discovery)
const isRouteManifest = (path) => path === '/__manifest'

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(PAGES)
      .then((cache) => Promise.all(PRECACHE.map((url) => cache.add(new Request(url, { credentials: 'same-origin' })).catch(() => undefined))))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('sargs-') && !KEEP.includes(n)).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  )
})

/** Network first; on success the copy is kept; offline, the kept copy (or the alert list). */
async function networkFirst(request) {
  const cache = await caches.open(PAGES)
  try {
    const response = await fetch(request)
    if (response.ok && response.type === 'basic') await cache.put(request, response.clone())
    return response
  } catch (error) {
    const cached = (await cache.match(request, { ignoreVary: true })) || (await cache.match(new URL(request.url).pathname, { ignoreVary: true }))
    if (cached) return cached
    if (request.mode === 'navigate') {
      const list = await cache.match('/public', { ignoreVary: true })
      if (list) return list
    }
    throw error
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(ASSETS)
  const cached = await cache.match(request)
  if (cached) return cached
  const response = await fetch(request)
  if (response.ok && response.type === 'basic') await cache.put(request, response.clone())
  return response
}

self.addEventListener('fetch', (event) => {
  const request = event.request
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== self.location.origin) return
  if (url.pathname.startsWith('/assets/')) return event.respondWith(cacheFirst(request))
  if (isPublicPage(url.pathname) || isCachedData(url.pathname)) return event.respondWith(networkFirst(request))
  if (isRouteManifest(url.pathname)) {
    // offline and never asked before: no new routes (links then load as documents, from the cache)
    const none = () => new Response('{}', { headers: { 'Content-Type': 'application/json' } })
    return event.respondWith(networkFirst(request).catch(none))
  }
})

function parsePayload(event) {
  if (!event.data) return null
  try {
    return event.data.json()
  } catch {
    const text = event.data.text()
    return text ? { headline: text } : null
  }
}

/** Keep the page of an alert that just arrived, so that a tap opens it even without a network. */
async function keepAlertPage(url) {
  try {
    const cache = await caches.open(PAGES)
    const response = await fetch(url, { credentials: 'same-origin' })
    if (response.ok) await cache.put(url, response)
    const keys = (await cache.keys()).filter((r) => new URL(r.url).pathname.startsWith('/alerts/'))
    for (const old of keys.slice(0, Math.max(0, keys.length - MAX_ALERT_PAGES))) await cache.delete(old)
  } catch {
    // offline now: the notification still shows
  }
}

function alertUrl(payload) {
  const path = typeof payload.url === 'string' && payload.url.startsWith('/') ? payload.url : payload.identifier ? `/alerts/${encodeURIComponent(payload.identifier)}` : '/public'
  const url = new URL(path, self.location.origin)
  if (payload.lang && !url.searchParams.has('lng')) url.searchParams.set('lng', payload.lang)
  return url.pathname + url.search
}

function notificationOf(payload) {
  const title = payload.headline || payload.event || 'Sargs'
  const body = [payload.instruction, payload.description].filter(Boolean).join('\n\n')
  const severe = payload.severity === 'Extreme' || payload.severity === 'Severe'
  const tag = payload.tag || payload.topic || payload.identifier || 'sargs'
  return {
    title,
    options: {
      body,
      tag,
      // an update replacing the notification of the same alert alerts the resident again
      renotify: true,
      requireInteraction: severe,
      lang: payload.lang || undefined,
      icon: '/icons/icon-192.png',
      badge: '/icons/badge-96.png',
      timestamp: payload.sent ? Date.parse(payload.sent) || Date.now() : Date.now(),
      data: { url: alertUrl(payload), identifier: payload.identifier, msgType: payload.msgType, severity: payload.severity },
    },
  }
}

self.addEventListener('push', (event) => {
  const payload = parsePayload(event) || { headline: 'Sargs', url: '/public' }
  const { title, options } = notificationOf(payload)
  event.waitUntil(
    (async () => {
      await self.registration.showNotification(title, options)
      // open pages learn of it (they may refresh their list); tests observe what was shown
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
      for (const client of windows) client.postMessage({ type: 'sargs:notification', title, tag: options.tag, body: options.body, lang: options.lang, url: options.data.url })
      await keepAlertPage(options.data.url)
    })(),
  )
})

self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  const target = new URL((event.notification.data && event.notification.data.url) || '/public', self.location.origin).href
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
      const same = windows.find((c) => c.url === target)
      if (same) return same.focus()
      const any = windows.find((c) => new URL(c.url).origin === self.location.origin && 'navigate' in c)
      if (any) {
        const focused = await any.focus()
        return focused.navigate(target)
      }
      return self.clients.openWindow(target)
    })(),
  )
})
