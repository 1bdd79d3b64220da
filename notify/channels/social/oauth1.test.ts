import crypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { hmacSha1Signature, oauth1Header, percentEncode, signatureBaseString } from './oauth1.ts'

// X's documentation example ("Creating a signature"): the same inputs must give its signature
const EXAMPLE = {
  url: 'https://api.twitter.com/1.1/statuses/update.json',
  consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
  consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
  token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
  tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
  nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg',
  timestamp: 1318622958,
}

describe('OAuth 1.0a signing (RFC 5849)', () => {
  it('percent-encodes everything but unreserved characters, UTF-8 first', () => {
    expect(percentEncode("Ladies + Gentlemen, a signed OAuth request!*'()~")).toBe('Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21%2A%27%28%29~')
    expect(percentEncode('ā')).toBe('%C4%81')
  })

  it("reproduces the X documentation's example signature", () => {
    const header = oauth1Header({
      ...EXAMPLE,
      method: 'post',
      url: `${EXAMPLE.url}?include_entities=true`,
      formFields: { status: 'Hello Ladies + Gentlemen, a signed OAuth request!' },
    })
    expect(header).toBe(
      'OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", ' +
        'oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958", ' +
        'oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", oauth_version="1.0"',
    )
  })

  it('leaves out the default port and sorts parameters by encoded name, then value', () => {
    const base = signatureBaseString('POST', 'HTTPS://API.X.COM:443/2/tweets?b=2&a=3&a=1', [['c', 'x y']])
    expect(base).toBe('POST&https%3A%2F%2Fapi.x.com%2F2%2Ftweets&a%3D1%26a%3D3%26b%3D2%26c%3Dx%2520y')
    expect(hmacSha1Signature(base, 'cs', 'ts')).toBe(crypto.createHmac('sha1', 'cs&ts').update(base).digest('base64'))
  })

  it('uses a fresh nonce for every request', () => {
    const credentials = { method: 'POST', url: 'https://api.x.com/2/tweets', consumerKey: 'k', consumerSecret: 's', token: 't', tokenSecret: 'u' }
    const nonce = (h: string) => /oauth_nonce="([^"]+)"/.exec(h)![1]
    expect(nonce(oauth1Header(credentials))).not.toBe(nonce(oauth1Header(credentials)))
  })
})
