import { describe, expect, it } from 'vitest'
import { defaultPushServiceHosts, isAllowedPushEndpoint, parsePushServiceHosts } from './push-service-hosts.ts'

describe('push service allowlist', () => {
  it('admits the browsers\' push services and nothing else by default', () => {
    for (const endpoint of [
      'https://fcm.googleapis.com/fcm/send/abc:def',
      'https://updates.push.services.mozilla.com/wpush/v2/gAAAA',
      'https://wns2-db5p.notify.windows.com/w/?token=x',
      'https://web.push.apple.com/QGRk',
    ]) expect(isAllowedPushEndpoint(endpoint, defaultPushServiceHosts), endpoint).toBe(true)
    for (const endpoint of [
      'https://127.0.0.1:8443/push/1',
      'https://localhost/push',
      'https://169.254.169.254/latest/meta-data',
      'https://evil.example/fcm.googleapis.com',
      'https://fcm.googleapis.com.evil.example/x',
      'https://notify.windows.com.evil.example/x',
      'https://push.apple.com/x', // *.push.apple.com means a subdomain
      'http://fcm.googleapis.com/fcm/send/x',
      'not a url',
    ]) expect(isAllowedPushEndpoint(endpoint, defaultPushServiceHosts), endpoint).toBe(false)
  })

  it('an operator can name other hosts (the fake push service on 127.0.0.1 for tests and offline work)', () => {
    expect(isAllowedPushEndpoint('https://127.0.0.1:41234/push/9', ['127.0.0.1'])).toBe(true)
    expect(isAllowedPushEndpoint('https://127.0.0.2:41234/push/9', ['127.0.0.1'])).toBe(false)
  })

  it('parses PUSH_SERVICE_HOSTS and refuses junk', () => {
    expect(parsePushServiceHosts(' fcm.googleapis.com, *.push.apple.com ,127.0.0.1')).toEqual(['fcm.googleapis.com', '*.push.apple.com', '127.0.0.1'])
    expect(parsePushServiceHosts(' , ')).toBe('must list at least one host')
    expect(parsePushServiceHosts('fcm.googleapis.com,https://x')).toMatch(/"https:\/\/x" is not a host name/)
    expect(parsePushServiceHosts('*')).toMatch(/is not a host name/)
  })
})
