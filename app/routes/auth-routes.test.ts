// The auth routes' loaders and actions called with real Requests against the PGlite test
// database: first-run setup → enrolment → signed in → staff admin → sign-out → sign-in with the
// second factor, guards, rate limiting and cookies.
import type { AppLoadContext } from '@remix-run/node'
import { beforeAll, describe, expect, it } from 'vitest'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { setRuntime } from '#domain/runtime.ts'
import { generateTotpCode } from '#domain/auth/totp.ts'
import { SESSION_COOKIE } from '#domain/auth/sessions.ts'
import { SIGNIN_ACCOUNT_IP } from '#domain/auth/limits.ts'
import { retryAfterHeaders } from '~/utils/auth.server'
import * as app from './_app.tsx'
import * as setup from './_auth.setup.tsx'
import * as enrol from './_auth.enrol.tsx'
import * as login from './_auth.login.tsx'
import * as twoFactor from './_auth.two-factor.tsx'
import * as logout from './logout.tsx'
import * as users from './_app.admin.users._index.tsx'
import * as newUser from './_app.admin.users.new.tsx'
import * as userDetail from './_app.admin.users.$userId.tsx'
import * as audit from './_app.audit.tsx'
import * as account from './_app.account.tsx'

describeEachBackend('auth routes', (backend) => {
  const db = useTestDatabase(backend)
  beforeAll(async () => {
    setRuntime({ prisma: db().prisma })
  }, 120_000)

  const ORIGIN = 'http://localhost:3000'
  const context = (ip = '127.0.0.1'): AppLoadContext => ({ nonce: 'n', clientIp: ip, publicConfig: { mapStyleUrl: null } })

  type Fn = (args: { request: Request; context: AppLoadContext; params: Record<string, string> }) => unknown
  type Outcome = { response?: Response; data?: unknown; status: number; headers: Headers }

  /** Run a loader/action; a thrown or returned Response, or a data() answer, comes back uniformly. */
  async function run(fn: unknown, request: Request, options: { params?: Record<string, string>; ip?: string } = {}): Promise<Outcome> {
    let value: unknown
    try {
      value = await (fn as Fn)({ request, context: context(options.ip), params: options.params ?? {} })
    } catch (thrown) {
      if (thrown instanceof Response) return { response: thrown, status: thrown.status, headers: thrown.headers }
      throw thrown
    }
    if (value instanceof Response) return { response: value, status: value.status, headers: value.headers }
    const wrapped = value as { type?: string; data?: unknown; init?: ResponseInit } | null
    if (wrapped && wrapped.type === 'DataWithResponseInit') {
      return { data: wrapped.data, status: wrapped.init?.status ?? 200, headers: new Headers(wrapped.init?.headers) }
    }
    return { data: value, status: 200, headers: new Headers() }
  }

  function get(path: string, cookie?: string) {
    return new Request(`${ORIGIN}${path}`, { headers: cookie ? { Cookie: cookie } : {} })
  }

  function post(path: string, fields: Record<string, string>, cookie?: string) {
    return new Request(`${ORIGIN}${path}`, {
      method: 'POST',
      body: new URLSearchParams(fields),
      headers: { Origin: ORIGIN, 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie ? { Cookie: cookie } : {}) },
    })
  }

  function cookieFrom(outcome: Outcome): string {
    const header = outcome.headers.get('Set-Cookie') ?? ''
    const match = new RegExp(`${SESSION_COOKIE}=([^;]*)`).exec(header)
    if (!match) throw new Error(`no session cookie in ${header}`)
    return `${SESSION_COOKIE}=${match[1]}`
  }

  const location = (o: Outcome) => o.headers.get('Location')

  const ADMIN = { name: 'Ilze Bērziņa', email: 'ilze@jelgava.lv', password: 'long admin password', confirm: 'long admin password' }
  let adminCookie = ''
  let operatorId = ''
  let operatorPassword = ''

  describe('first run', () => {
    it('every page leads to /setup while there is no user', async () => {
      expect(location(await run(app.loader, get('/')))).toBe('/setup')
      expect(location(await run(login.loader, get('/login')))).toBe('/setup')
      expect((await run(setup.loader, get('/setup'))).status).toBe(200)
    })

    it('bad setup input: 422 with a key per field, nothing written', async () => {
      const outcome = await run(setup.action, post('/setup', { name: '', email: 'x', password: 'short', confirm: 'other' }))
      expect(outcome.status).toBe(422)
      expect(outcome.data).toMatchObject({
        errors: { name: 'errors:required', email: 'auth:fields.emailInvalid', password: 'auth:password.tooShort' },
      })
      const mismatch = await run(setup.action, post('/setup', { ...ADMIN, confirm: 'long admin passwort' }))
      expect(mismatch.data).toMatchObject({ errors: { confirm: 'auth:password.mismatch' } })
      expect(JSON.stringify(mismatch.data)).not.toContain('long admin')
      expect(await db().prisma.user.count()).toBe(0)
    })

    it('setup creates the administrator, then enrolment (QR + key + code) signs them in', async () => {
      const created = await run(setup.action, post('/setup', ADMIN))
      expect(created.status).toBe(302)
      expect(location(created)).toBe('/enrol')
      const setCookie = created.headers.get('Set-Cookie')!
      expect(setCookie).toMatch(/HttpOnly/)
      expect(setCookie).toMatch(/SameSite=Lax/)
      expect(setCookie).toMatch(/Path=\//)
      expect(setCookie).not.toMatch(/Secure/)
      const pending = cookieFrom(created)

      // setup is over
      expect((await run(setup.loader, get('/setup'))).status).toBe(404)
      expect((await run(setup.action, post('/setup', { ...ADMIN, email: 'second@jelgava.lv' }))).status).toBe(404)
      // not signed in yet: the app sends to enrolment
      expect(location(await run(app.loader, get('/', pending)))).toBe('/enrol')
      expect(location(await run(twoFactor.loader, get('/two-factor', pending)))).toBe('/enrol')

      const page = await run(enrol.loader, get('/enrol', pending))
      const { secret, qr } = page.data as { secret: string; qr: string }
      expect(secret).toMatch(/^[A-Z2-7]{32}$/)
      expect(qr).toMatch(/^data:image\/png;base64,/)

      const wrong = await run(enrol.action, post('/enrol', { code: '12345' }, pending))
      expect(wrong.status).toBe(422)
      expect(wrong.data).toMatchObject({ errors: { code: 'auth:totp.format' } })

      const done = await run(enrol.action, post('/enrol', { code: generateTotpCode(secret), redirectTo: '/audit' }, pending))
      expect(location(done)).toBe('/audit')
      adminCookie = cookieFrom(done)
      expect(adminCookie).not.toBe(pending)

      const shell = await run(app.loader, get('/', adminCookie))
      expect(shell.data).toMatchObject({ user: { name: ADMIN.name, role: 'ADMINISTRATOR' }, nav: { users: true, audit: true } })
      // the pending cookie is dead
      expect(location(await run(app.loader, get('/', pending)))).toMatch(/^\/login/)
    })

    it('a Secure cookie on https', async () => {
      const outcome = await run(logout.action, new Request('https://sargs.example/logout', { method: 'POST', headers: { Origin: 'https://sargs.example' } }))
      expect(outcome.headers.get('Set-Cookie')).toMatch(/Secure/)
    })
  })

  describe('staff administration', () => {
    it('creates an operator with a one-time password shown once', async () => {
      const outcome = await run(newUser.action, post('/admin/users/new', { name: 'Jānis Ozols', email: 'janis@jelgava.lv', role: 'OPERATOR' }, adminCookie))
      const created = (outcome.data as { created: { id: string; password: string } }).created
      expect(created.password).toMatch(/^[A-Za-z0-9]{20}$/)
      operatorId = created.id
      operatorPassword = created.password
      const list = await run(users.loader, get('/admin/users', adminCookie))
      expect((list.data as { users: { email: string }[] }).users.map((u) => u.email)).toEqual(
        expect.arrayContaining(['ilze@jelgava.lv', 'janis@jelgava.lv']),
      )
      const dup = await run(newUser.action, post('/admin/users/new', { name: 'J', email: 'JANIS@jelgava.lv', role: 'OPERATOR' }, adminCookie))
      expect(dup.status).toBe(422)
      expect(dup.data).toMatchObject({ errors: { email: 'admin:errors.emailTaken' } })
      const badRole = await run(newUser.action, post('/admin/users/new', { name: 'J', email: 'j2@jelgava.lv', role: 'KING' }, adminCookie))
      expect(badRole.data).toMatchObject({ errors: { role: 'admin:fields.roleInvalid' } })
    })

    it('the new user must enrol a second factor before anything else', async () => {
      const wrong = await run(login.action, post('/login', { email: 'janis@jelgava.lv', password: 'not the password' }), { ip: '10.9.0.1' })
      expect(wrong.status).toBe(401)
      expect(wrong.data).toMatchObject({ errors: { form: 'auth:signin.invalid' } })
      const ok = await run(login.action, post('/login', { email: 'janis@jelgava.lv', password: operatorPassword, redirectTo: '/incidents' }), { ip: '10.9.0.1' })
      expect(location(ok)).toBe('/enrol?redirectTo=%2Fincidents')
      const pending = cookieFrom(ok)
      expect(location(await run(app.loader, get('/', pending)))).toBe('/enrol')
      const { secret } = (await run(enrol.loader, get('/enrol', pending))).data as { secret: string }
      const done = await run(enrol.action, post('/enrol', { code: generateTotpCode(secret) }, pending))
      const operatorCookie = cookieFrom(done)
      const shell = await run(app.loader, get('/', operatorCookie))
      expect(shell.data).toMatchObject({ nav: { users: false, audit: false } })
      // operators get 403 on administration and audit
      expect((await run(users.loader, get('/admin/users', operatorCookie))).status).toBe(403)
      expect((await run(newUser.action, post('/admin/users/new', { name: 'X', email: 'x@jelgava.lv', role: 'OPERATOR' }, operatorCookie))).status).toBe(403)
      expect((await run(audit.loader, get('/audit', operatorCookie))).status).toBe(403)

      // changing the operator's role revokes their session
      const changed = await run(userDetail.action, post(`/admin/users/${operatorId}`, { intent: 'role', role: 'COMMISSION_MEMBER' }, adminCookie), { params: { userId: operatorId } })
      expect(changed.data).toMatchObject({ ok: true, done: 'roleChanged' })
      expect(location(await run(app.loader, get('/map', operatorCookie)))).toBe('/login?redirectTo=%2Fmap')
    })

    it('the detail page: 404 for unknown users, 422 for unknown intents, self-protection', async () => {
      expect((await run(userDetail.loader, get('/admin/users/nope', adminCookie), { params: { userId: 'nope' } })).status).toBe(404)
      const bad = await run(userDetail.action, post(`/admin/users/${operatorId}`, { intent: 'explode' }, adminCookie), { params: { userId: operatorId } })
      expect(bad.status).toBe(422)
      const admin = await db().prisma.user.findUniqueOrThrow({ where: { email: ADMIN.email } })
      const self = await run(userDetail.action, post(`/admin/users/${admin.id}`, { intent: 'disable' }, adminCookie), { params: { userId: admin.id } })
      expect(self.data).toMatchObject({ errors: { form: 'admin:errors.notSelf' } })
    })
  })

  describe('sign-in with the second factor', () => {
    it('password then TOTP; the same code twice is refused', async () => {
      const step1 = await run(login.action, post('/login', { email: ADMIN.email, password: ADMIN.password, redirectTo: '/audit' }), { ip: '10.9.1.1' })
      expect(location(step1)).toBe('/two-factor?redirectTo=%2Faudit')
      const pending = cookieFrom(step1)
      expect(location(await run(app.loader, get('/audit', pending)))).toBe('/two-factor?redirectTo=%2Faudit')
      expect((await run(twoFactor.loader, get('/two-factor', pending))).data).toMatchObject({ email: ADMIN.email })
      const admin = await db().prisma.user.findUniqueOrThrow({ where: { email: ADMIN.email } })
      // the enrolment code (this step) was used already: wait for the next step's code
      const code = generateTotpCode(admin.totpSecret!, new Date(Date.now() + 30_000))
      const ok = await run(twoFactor.action, post('/two-factor', { code, redirectTo: '/audit' }, pending))
      expect(location(ok)).toBe('/audit')
      const cookie = cookieFrom(ok)

      const again = await run(login.action, post('/login', { email: ADMIN.email, password: ADMIN.password }), { ip: '10.9.1.1' })
      const replay = await run(twoFactor.action, post('/two-factor', { code }, cookieFrom(again)))
      expect(replay.status).toBe(422)
      expect(replay.data).toMatchObject({ errors: { code: 'auth:totp.invalid' } })

      // the audit page shows the chain as intact and the sign-ins
      const page = await run(audit.loader, get('/audit', cookie))
      const data = page.data as { verification: { ok: boolean; count: number }; entries: { action: string }[] }
      expect(data.verification.ok).toBe(true)
      expect(data.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['auth.signin.success', 'auth.signin.failure', 'user.role.change']))

      // account page: own sessions, revoke the others
      const acc = await run(account.loader, get('/account', cookie))
      const sessions = (acc.data as { sessions: { id: string; current: boolean }[] }).sessions
      expect(sessions.filter((s) => s.current)).toHaveLength(1)
      expect(sessions.length).toBeGreaterThan(1)
      const revoked = await run(account.action, post('/account', { intent: 'revoke-others' }, cookie))
      expect(revoked.data).toMatchObject({ ok: true, done: 'revokedOthers' })
      expect(location(await run(app.loader, get('/', adminCookie)))).toMatch(/^\/login/)
      adminCookie = cookie

      // sign-out
      const out = await run(logout.action, post('/logout', {}, cookie))
      expect(location(out)).toBe('/login')
      expect(out.headers.get('Set-Cookie')).toMatch(/Max-Age=0/)
      expect(location(await run(app.loader, get('/', cookie)))).toMatch(/^\/login/)
    })

    it('rate limiting answers 429 with Retry-After and a translated message key', async () => {
      let last: Outcome | undefined
      for (let i = 0; i <= SIGNIN_ACCOUNT_IP.limit; i++) {
        last = await run(login.action, post('/login', { email: 'janis@jelgava.lv', password: `guess number ${i}` }), { ip: '10.9.2.1' })
      }
      expect(last!.status).toBe(429)
      expect(Number(last!.headers.get('Retry-After'))).toBeGreaterThan(0)
      expect(last!.data).toMatchObject({ errors: { form: 'auth:errors.rateLimited' } })
      // the routes that may answer 429 hand Retry-After on to the HTTP response
      for (const route of [login, twoFactor, enrol, setup, account]) expect(route.headers).toBe(retryAfterHeaders)
      // from another address the same account is not blocked
      const other = await run(login.action, post('/login', { email: 'janis@jelgava.lv', password: operatorPassword }), { ip: '10.9.2.2' })
      expect(other.status).toBe(302)
    })

    it('login with bad input: 422 per field; open redirects are refused', async () => {
      const bad = await run(login.action, post('/login', { email: '', password: '' }))
      expect(bad.status).toBe(422)
      expect(bad.data).toMatchObject({ errors: { email: 'errors:required', password: 'errors:required' } })
      const evil = await run(login.loader, get('/login?redirectTo=//evil.example'))
      expect(evil.data).toEqual({ redirectTo: '/' })
    })
  })
})
