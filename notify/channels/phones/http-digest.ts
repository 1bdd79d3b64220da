// HTTP Digest access authentication (RFC 7616) with node:crypto: MD5 and SHA-256 (and their -sess
// variants), qop=auth, and the RFC 2069 form without qop that old phone firmware still sends.
// Pure functions: the adapter answers a 401 challenge with digestAuthorization; the fake phones
// (tests/fakes/ip-phones.ts) check an Authorization header with verifyDigest. Not supported:
// qop=auth-int (no phone asks for it) and userhash/username* (phone users are ASCII).
import crypto from 'node:crypto'

export type AuthChallenge = { scheme: string; params: Record<string, string> }

/** Splits WWW-Authenticate value(s) into challenges: `Digest realm="x", nonce="y", Basic realm="z"`. */
export function parseWwwAuthenticate(value: string | string[] | undefined): AuthChallenge[] {
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value]
  const challenges: AuthChallenge[] = []
  for (const header of values) {
    let i = 0
    let current: AuthChallenge | undefined
    while (i < header.length) {
      while (i < header.length && /[\s,]/.test(header[i])) i += 1
      const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/.exec(header.slice(i))
      if (!token) break
      i += token[0].length
      while (i < header.length && header[i] === ' ') i += 1
      if (header[i] === '=') {
        // name=value (a parameter of the current challenge) or a token68 ending in '='
        i += 1
        while (i < header.length && header[i] === ' ') i += 1
        let paramValue = ''
        if (header[i] === '"') {
          i += 1
          while (i < header.length && header[i] !== '"') {
            if (header[i] === '\\' && i + 1 < header.length) i += 1
            paramValue += header[i]
            i += 1
          }
          i += 1
        } else {
          const bare = /^[^,\s]*/.exec(header.slice(i))![0]
          paramValue = bare
          i += bare.length
        }
        if (current) current.params[token[0].toLowerCase()] = paramValue
      } else {
        current = { scheme: token[0].toLowerCase(), params: {} }
        challenges.push(current)
      }
    }
  }
  return challenges
}

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess'

const HASHES: Record<string, { hash: 'md5' | 'sha256'; sess: boolean }> = {
  'md5': { hash: 'md5', sess: false },
  'md5-sess': { hash: 'md5', sess: true },
  'sha-256': { hash: 'sha256', sess: false },
  'sha-256-sess': { hash: 'sha256', sess: true },
}

export type DigestInput = {
  algorithm: string
  username: string
  password: string
  realm: string
  nonce: string
  method: string
  uri: string
  /** 'auth' or undefined (RFC 2069) */
  qop?: string
  nc?: string
  cnonce?: string
}

/** The `response` value of RFC 7616 section 3.4.1 (lowercase hex). */
export function digestResponse(input: DigestInput): string {
  const algorithm = HASHES[input.algorithm.toLowerCase()]
  if (!algorithm) throw new Error(`unsupported digest algorithm ${input.algorithm}`)
  const h = (data: string) => crypto.createHash(algorithm.hash).update(data, 'utf8').digest('hex')
  let ha1 = h(`${input.username}:${input.realm}:${input.password}`)
  if (algorithm.sess) ha1 = h(`${ha1}:${input.nonce}:${input.cnonce ?? ''}`)
  const ha2 = h(`${input.method}:${input.uri}`)
  if (input.qop === undefined) return h(`${ha1}:${input.nonce}:${ha2}`)
  return h(`${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:${input.qop}:${ha2}`)
}

/** Chooses a digest challenge we can answer: SHA-256 before MD5, qop=auth when offered. */
export function pickDigestChallenge(challenges: AuthChallenge[]): AuthChallenge | undefined {
  const usable = challenges.filter((c) => {
    if (c.scheme !== 'digest' || !c.params.nonce || c.params.realm === undefined) return false
    if (!HASHES[(c.params.algorithm ?? 'MD5').toLowerCase()]) return false
    const qops = qopList(c)
    return qops.length === 0 || qops.includes('auth')
  })
  const rank = (c: AuthChallenge) => ((c.params.algorithm ?? 'MD5').toLowerCase().startsWith('sha-256') ? 0 : 1)
  return usable.sort((a, b) => rank(a) - rank(b))[0]
}

function qopList(challenge: AuthChallenge): string[] {
  return (challenge.params.qop ?? '').split(',').map((q) => q.trim()).filter(Boolean)
}

/** The Authorization header answering a digest challenge for one request. */
export function digestAuthorization(
  challenge: AuthChallenge,
  request: { username: string; password: string; method: string; uri: string; cnonce?: string; nc?: number },
): string {
  const algorithm = challenge.params.algorithm ?? 'MD5'
  const qop = qopList(challenge).includes('auth') ? 'auth' : undefined
  const nc = (request.nc ?? 1).toString(16).padStart(8, '0')
  const cnonce = request.cnonce ?? crypto.randomBytes(16).toString('hex')
  const response = digestResponse({
    algorithm,
    username: request.username,
    password: request.password,
    realm: challenge.params.realm,
    nonce: challenge.params.nonce,
    method: request.method,
    uri: request.uri,
    ...(qop ? { qop, nc, cnonce } : {}),
  })
  const parts = [
    `username="${quote(request.username)}"`,
    `realm="${quote(challenge.params.realm)}"`,
    `uri="${quote(request.uri)}"`,
    `algorithm=${algorithm}`,
    `nonce="${quote(challenge.params.nonce)}"`,
    ...(qop ? [`nc=${nc}`, `cnonce="${quote(cnonce)}"`, `qop=${qop}`] : []),
    `response="${response}"`,
  ]
  if (challenge.params.opaque !== undefined) parts.push(`opaque="${quote(challenge.params.opaque)}"`)
  return `Digest ${parts.join(', ')}`
}

function quote(value: string): string {
  return value.replace(/(["\\])/g, '\\$1')
}

/** `Basic base64(user:password)` (RFC 7617, UTF-8). */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`
}

/**
 * Server side (the fakes): checks a Digest Authorization header against the password, the method
 * and the nonce the server issued. Returns the parameters when the response is right.
 */
export function verifyDigest(
  authorization: string | undefined,
  expected: { username: string; password: string; method: string; realm: string; nonceIssued: (nonce: string) => boolean },
): { ok: true; params: Record<string, string> } | { ok: false; reason: string } {
  const [challenge] = parseWwwAuthenticate(authorization)
  if (!challenge || challenge.scheme !== 'digest') return { ok: false, reason: 'no Digest Authorization' }
  const p = challenge.params
  if (p.username !== expected.username) return { ok: false, reason: 'unknown user' }
  if (p.realm !== expected.realm) return { ok: false, reason: 'wrong realm' }
  if (!p.nonce || !expected.nonceIssued(p.nonce)) return { ok: false, reason: 'stale or unknown nonce' }
  if (!p.uri || !p.response) return { ok: false, reason: 'uri and response are required' }
  if (p.qop !== undefined && (p.qop !== 'auth' || !p.nc || !p.cnonce)) return { ok: false, reason: 'qop=auth needs nc and cnonce' }
  let computed: string
  try {
    computed = digestResponse({
      algorithm: p.algorithm ?? 'MD5',
      username: expected.username,
      password: expected.password,
      realm: expected.realm,
      nonce: p.nonce,
      method: expected.method,
      uri: p.uri,
      ...(p.qop ? { qop: p.qop, nc: p.nc, cnonce: p.cnonce } : {}),
    })
  } catch (error) {
    return { ok: false, reason: (error as Error).message }
  }
  const a = Buffer.from(computed)
  const b = Buffer.from(p.response.toLowerCase())
  if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) return { ok: false, reason: 'wrong response' }
  return { ok: true, params: p }
}
