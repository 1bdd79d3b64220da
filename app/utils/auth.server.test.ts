import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { can, permissions, roles } from '#domain/auth/policy.ts'
import { createSession, SESSION_COOKIE } from '#domain/auth/sessions.ts'
import { makeUser } from '#domain/auth/test-helpers.ts'
import { setRuntime } from '#domain/runtime.ts'
import {
  clearSessionCookie,
  clientIp,
  getAuthState,
  getOptionalUser,
  getSessionToken,
  rateLimited,
  requireUser,
  requireUserWithPermission,
  retryAfterHeaders,
  safeRedirect,
  sessionCookie,
} from './auth.server.ts'

const req = (path: string, init: RequestInit = {}) => new Request(`http://localhost:3000${path}`, init)

async function thrown(promise: Promise<unknown>): Promise<Response> {
  try {
    await promise
  } catch (error) {
    if (error instanceof Response) return error
    throw error
  }
  throw new Error('expected a thrown Response')
}

describe('cookies and redirects (no database)', () => {
  it('reads the session token among other cookies', () => {
    expect(getSessionToken(req('/', { headers: { Cookie: `lng=en; ${SESSION_COOKIE}=abc_DEF-123; x=y` } }))).toBe('abc_DEF-123')
    expect(getSessionToken(req('/', { headers: { Cookie: 'lng=en' } }))).toBeNull()
    expect(getSessionToken(req('/'))).toBeNull()
    expect(getSessionToken(req('/', { headers: { Cookie: `${SESSION_COOKIE}=` } }))).toBeNull()
  })

  it('sets HttpOnly, SameSite=Lax, Path=/, 12 h; Secure on https or when the context says so', () => {
    const plain = sessionCookie('tok', req('/'))
    expect(plain).toBe(`${SESSION_COOKIE}=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200`)
    expect(sessionCookie('tok', new Request('https://sargs.example/'))).toMatch(/; Secure$/)
    expect(sessionCookie('tok', req('/'), { nonce: '', clientIp: '', publicConfig: { mapStyleUrl: null }, secureCookies: true })).toMatch(/; Secure$/)
    expect(clearSessionCookie(req('/'))).toMatch(/Max-Age=0/)
  })

  it('safeRedirect keeps same-site paths only (property)', () => {
    expect(safeRedirect('/incidents?x=1')).toBe('/incidents?x=1')
    for (const bad of ['/\t/evil.example', '/%09/ok'.replace('%09', '\t'), '//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '', null, 42, '/a\r\nSet-Cookie: x']) {
      expect(safeRedirect(bad)).toBe('/')
    }
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('/', '\\', '\t', '\n', 'e', '.', ':', '@', '%') })), (s) => {
        const out = safeRedirect(s)
        expect(out.startsWith('/')).toBe(true)
        expect(out.startsWith('//')).toBe(false)
        expect(out.startsWith('/\\')).toBe(false)
        expect(new URL(out, 'http://localhost:3000').origin).toBe('http://localhost:3000')
      }),
    )
  })

  it('rate-limited answers carry Retry-After', () => {
    const answer = rateLimited(12.2) as unknown as { data: { retryAfterSeconds: number }; init: { status: number; headers: Record<string, string> } }
    expect(answer.init.status).toBe(429)
    expect(answer.init.headers['Retry-After']).toBe('13')
    expect(answer.data.retryAfterSeconds).toBe(13)
  })

  it('the headers function passes an action’s Retry-After on to the HTTP response', () => {
    const args = (action: HeadersInit) =>
      ({ actionHeaders: new Headers(action), loaderHeaders: new Headers(), parentHeaders: new Headers(), errorHeaders: undefined }) as Parameters<typeof retryAfterHeaders>[0]
    expect(new Headers(retryAfterHeaders(args({ 'Retry-After': '30' }))).get('Retry-After')).toBe('30')
    expect([...new Headers(retryAfterHeaders(args({}))).keys()]).toEqual([])
  })

  it('clientIp ignores the unknown marker', () => {
    expect(clientIp({ nonce: '', clientIp: '10.0.0.9', publicConfig: { mapStyleUrl: null } })).toBe('10.0.0.9')
    expect(clientIp({ nonce: '', clientIp: 'unknown', publicConfig: { mapStyleUrl: null } })).toBeNull()
    expect(clientIp(undefined)).toBeNull()
  })
})

describeEachBackend('guards on the database', (backend) => {
  const db = useTestDatabase(backend)
  beforeAll(() => {
    setRuntime({ prisma: db().prisma })
  })

  it('no user at all: everything goes to /setup', async () => {
    expect((await getAuthState(req('/'))).kind).toBe('setup')
    expect((await thrown(requireUser(req('/incidents')))).headers.get('Location')).toBe('/setup')
  })

  it('anonymous: to /login with the way back; a stale cookie is cleared', async () => {
    await makeUser(db().prisma)
    const r = await thrown(requireUser(req('/incidents?status=ACTIVE')))
    expect(r.headers.get('Location')).toBe('/login?redirectTo=%2Fincidents%3Fstatus%3DACTIVE')
    expect(r.headers.get('Set-Cookie')).toBeNull()
    const stale = await thrown(requireUser(req('/', { headers: { Cookie: `${SESSION_COOKIE}=${'A'.repeat(43)}` } })))
    expect(stale.headers.get('Location')).toBe('/login')
    expect(stale.headers.get('Set-Cookie')).toMatch(/Max-Age=0/)
    expect(await getOptionalUser(req('/'))).toBeNull()
    // after a POST, the way back is the page, not the form submission
    const posted = await thrown(requireUser(req('/incidents/new?x=1', { method: 'POST' })))
    expect(posted.headers.get('Location')).toBe('/login?redirectTo=%2Fincidents%2Fnew')
    expect((await thrown(requireUser(req('/two-factor')))).headers.get('Location')).toBe('/login')
  })

  it('pending sessions go to /enrol or /two-factor', async () => {
    const unenrolled = await makeUser(db().prisma, { enrolled: false })
    const a = await createSession(db().prisma, { userId: unenrolled.id, mfaVerified: false })
    const cookieA = { Cookie: `${SESSION_COOKIE}=${a.token}` }
    expect((await thrown(requireUser(req('/audit', { headers: cookieA })))).headers.get('Location')).toBe('/enrol')
    const enrolled = await makeUser(db().prisma)
    const b = await createSession(db().prisma, { userId: enrolled.id, mfaVerified: false })
    const cookieB = { Cookie: `${SESSION_COOKIE}=${b.token}` }
    expect((await thrown(requireUser(req('/audit', { headers: cookieB })))).headers.get('Location')).toBe('/two-factor?redirectTo=%2Faudit')
    expect(await getOptionalUser(req('/', { headers: cookieB }))).toBeNull()
  })

  it('requireUserWithPermission answers exactly as the policy table, for every role and permission', async () => {
    for (const role of roles) {
      const user = await makeUser(db().prisma, { role })
      const { token } = await createSession(db().prisma, { userId: user.id, mfaVerified: true })
      const headers = { Cookie: `${SESSION_COOKIE}=${token}` }
      expect((await requireUser(req('/', { headers }))).id).toBe(user.id)
      for (const permission of permissions) {
        const result = await requireUserWithPermission(req('/', { headers }), permission).then(
          (u) => u.role,
          (e: unknown) => (e instanceof Response ? e.status : e),
        )
        expect(result, `${role} ${permission}`).toBe(can(role, permission) ? role : 403)
      }
    }
  })
})
