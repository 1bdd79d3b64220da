// Registers the resident app's service worker (public/sw.js: notifications, offline reading) on
// the public pages. Nothing happens without JavaScript or where service workers are unavailable.
import { useEffect } from 'react'

export const SERVICE_WORKER_URL = '/sw.js'

export function ServiceWorkerRegistration() {
  useEffect(() => {
    if (!('serviceWorker' in navigator)) return
    navigator.serviceWorker.register(SERVICE_WORKER_URL, { scope: '/' }).catch((error: unknown) => {
      console.warn('service worker registration failed:', error)
    })
  }, [])
  return null
}
