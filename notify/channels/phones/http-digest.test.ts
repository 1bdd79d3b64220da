import { describe, expect, it } from 'vitest'
import { basicAuthorization, digestAuthorization, digestResponse, parseWwwAuthenticate, pickDigestChallenge, verifyDigest } from './http-digest.ts'

// RFC 7616 section 3.9.1
const rfc7616 = {
  username: 'Mufasa',
  password: 'Circle of Life',
  realm: 'http-auth@example.org',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  method: 'GET',
  uri: '/dir/index.html',
  qop: 'auth',
  nc: '00000001',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
}

describe('digestResponse', () => {
  it('matches the RFC 7616 example for MD5 and SHA-256', () => {
    expect(digestResponse({ ...rfc7616, algorithm: 'MD5' })).toBe('8ca523f5e9506fed4657c9700eebdbec')
    expect(digestResponse({ ...rfc7616, algorithm: 'SHA-256' })).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1')
  })
  it('matches the RFC 2617 example (MD5, qop=auth)', () => {
    expect(
      digestResponse({
        algorithm: 'MD5',
        username: 'Mufasa',
        password: 'Circle Of Life',
        realm: 'testrealm@host.com',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        method: 'GET',
        uri: '/dir/index.html',
        qop: 'auth',
        nc: '00000001',
        cnonce: '0a4f113b',
      }),
    ).toBe('6629fae49393a05397450978507c4ef1')
  })
  it('refuses an algorithm it does not know', () => {
    expect(() => digestResponse({ ...rfc7616, algorithm: 'SHA-512-256' })).toThrow(/unsupported/)
  })
})

describe('parseWwwAuthenticate and pickDigestChallenge', () => {
  it('reads the RFC 7616 double challenge and prefers SHA-256', () => {
    const challenges = parseWwwAuthenticate([
      'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
      'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    ])
    expect(challenges).toHaveLength(2)
    expect(challenges[1].params).toMatchObject({ realm: 'http-auth@example.org', qop: 'auth, auth-int', algorithm: 'MD5' })
    expect(pickDigestChallenge(challenges)?.params.algorithm).toBe('SHA-256')
  })
  it('reads several challenges in one header and quoted escapes', () => {
    const challenges = parseWwwAuthenticate('Basic realm="phone", Digest realm="a \\"b\\"", nonce=abc')
    expect(challenges.map((c) => c.scheme)).toEqual(['basic', 'digest'])
    expect(challenges[1].params).toEqual({ realm: 'a "b"', nonce: 'abc' })
  })
  it('skips challenges it cannot answer (auth-int only, unknown algorithm)', () => {
    expect(pickDigestChallenge(parseWwwAuthenticate('Digest realm="r", nonce="n", qop="auth-int"'))).toBeUndefined()
    expect(pickDigestChallenge(parseWwwAuthenticate('Digest realm="r", nonce="n", algorithm=SHA-512-256'))).toBeUndefined()
  })
})

describe('digestAuthorization ↔ verifyDigest', () => {
  it('builds the RFC 7616 Authorization header, which the server side accepts', () => {
    const [challenge] = parseWwwAuthenticate(
      'Digest realm="http-auth@example.org", qop="auth", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    )
    const header = digestAuthorization(challenge, { username: 'Mufasa', password: 'Circle of Life', method: 'GET', uri: '/dir/index.html', cnonce: rfc7616.cnonce })
    expect(header).toBe(
      'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, ' +
        'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, ' +
        'response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    )
    const expected = { username: 'Mufasa', password: 'Circle of Life', method: 'GET', realm: 'http-auth@example.org', nonceIssued: (n: string) => n === rfc7616.nonce }
    expect(verifyDigest(header, expected).ok).toBe(true)
    expect(verifyDigest(header, { ...expected, password: 'wrong' })).toEqual({ ok: false, reason: 'wrong response' })
    expect(verifyDigest(header, { ...expected, method: 'POST' })).toEqual({ ok: false, reason: 'wrong response' })
    expect(verifyDigest(header, { ...expected, nonceIssued: () => false })).toEqual({ ok: false, reason: 'stale or unknown nonce' })
  })
  it('answers an RFC 2069 challenge (no qop) without nc and cnonce', () => {
    const [challenge] = parseWwwAuthenticate('Digest realm="r", nonce="n1"')
    const header = digestAuthorization(challenge, { username: 'u', password: 'p', method: 'POST', uri: '/push' })
    expect(header).not.toMatch(/qop|nc=|cnonce/)
    expect(verifyDigest(header, { username: 'u', password: 'p', method: 'POST', realm: 'r', nonceIssued: () => true }).ok).toBe(true)
  })
  it('basicAuthorization encodes user:password as UTF-8 base64', () => {
    expect(basicAuthorization('Aladdin', 'open sesame')).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')
  })
})
