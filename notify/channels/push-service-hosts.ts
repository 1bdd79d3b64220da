// Which push services Sargs will POST to. A browser's PushSubscription names its push service by
// URL; without a list, anyone could subscribe an "endpoint" on an internal host and make the
// server send requests there (server-side request forgery). Patterns are exact host names or
// `*.suffix` (any subdomain). The defaults are the push services of the browsers residents use.
export const defaultPushServiceHosts = [
  'fcm.googleapis.com', // Chrome, Edge on Android, Samsung Internet, Opera
  'updates.push.services.mozilla.com', // Firefox
  '*.push.services.mozilla.com',
  '*.notify.windows.com', // Edge on Windows
  '*.push.apple.com', // Safari (web.push.apple.com)
]

/** Does the endpoint's host match one of the patterns? (https only; the port does not matter) */
export function isAllowedPushEndpoint(endpoint: string, patterns: readonly string[]): boolean {
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    return false
  }
  if (url.protocol !== 'https:') return false
  const host = url.hostname.toLowerCase()
  return patterns.some((raw) => {
    const pattern = raw.trim().toLowerCase()
    if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1
    return host === pattern
  })
}

/** PUSH_SERVICE_HOSTS: comma-separated patterns; refuses empty or malformed entries. */
export function parsePushServiceHosts(value: string): string[] | string {
  const entries = value.split(',').map((e) => e.trim()).filter(Boolean)
  if (entries.length === 0) return 'must list at least one host'
  const bad = entries.find((e) => !/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(e) && !/^\d{1,3}(\.\d{1,3}){3}$/.test(e))
  return bad ? `"${bad}" is not a host name, *.suffix or IPv4 address` : entries
}
