// The HTTP side of authentication: the session cookie, and the guards every loader and action
// calls. Sessions themselves live in domain/auth/sessions.ts (shared with the socket.io
// handshake).
//
//   const user = await requireUser(request)                                  // signed in + 2FA
//   const user = await requireUserWithPermission(request, 'manage:user:any')   // … or 403
//   const user = await getOptionalUser(request)                              // or null
import { data, redirect, type AppLoadContext, type HeadersFunction } from '@remix-run/node'
import { can, type Permission } from '#domain/auth/policy.ts'
import {
  findActiveSession,
  SESSION_ABSOLUTE_MS,
  SESSION_COOKIE,
  type ActiveSession,
  type SessionUser,
} from '#domain/auth/sessions.ts'
import { isSetupRequired } from '#domain/auth/create-first-administrator.ts'
import { prisma } from '#domain/runtime.ts'

export { SESSION_COOKIE, type SessionUser }

declare module '@remix-run/node' {
  interface AppLoadContext {
    /** true when PUBLIC_URL is https (the server may sit behind a TLS-terminating proxy) */
    secureCookies?: boolean
  }
}

/** The session cookie's token from a request, or null. */
export function getSessionToken(request: Request): string | null {
  const header = request.headers.get('Cookie')
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() === SESSION_COOKIE) return decodeURIComponent(part.slice(eq + 1).trim()) || null
  }
  return null
}

function isSecure(request: Request, context?: AppLoadContext): boolean {
  return new URL(request.url).protocol === 'https:' || context?.secureCookies === true
}

/** Set-Cookie value for a new session token (HttpOnly, SameSite=Lax, Secure on https). */
export function sessionCookie(token: string, request: Request, context?: AppLoadContext): string {
  const parts = [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.floor(SESSION_ABSOLUTE_MS / 1000)}`,
  ]
  if (isSecure(request, context)) parts.push('Secure')
  return parts.join('; ')
}

/** Set-Cookie value that removes the session cookie. */
export function clearSessionCookie(request: Request, context?: AppLoadContext): string {
  const parts = [`${SESSION_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0']
  if (isSecure(request, context)) parts.push('Secure')
  return parts.join('; ')
}

export type AuthState =
  | { kind: 'setup' }
  | { kind: 'anonymous'; staleCookie: boolean }
  | { kind: 'enrol'; user: SessionUser; session: ActiveSession['session'] }
  | { kind: 'second-factor'; user: SessionUser; session: ActiveSession['session'] }
  | { kind: 'signed-in'; user: SessionUser; session: ActiveSession['session'] }

const states = new WeakMap<Request, Promise<AuthState>>()

/** Where a request stands (cached per Request: parallel loaders share one lookup). */
export function getAuthState(request: Request): Promise<AuthState> {
  let state = states.get(request)
  if (!state) {
    state = computeAuthState(request)
    states.set(request, state)
  }
  return state
}

async function computeAuthState(request: Request): Promise<AuthState> {
  const db = prisma()
  if (await isSetupRequired(db)) return { kind: 'setup' }
  const token = getSessionToken(request)
  const active = await findActiveSession(db, token, { requireMfa: false })
  if (!active) return { kind: 'anonymous', staleCookie: token !== null }
  const { user, session } = active
  if (!user.totpEnrolled) return { kind: 'enrol', user, session }
  if (!session.mfaVerified) return { kind: 'second-factor', user, session }
  return { kind: 'signed-in', user, session }
}

/** A same-site path to go to after signing in; anything else becomes `fallback`. */
export function safeRedirect(to: unknown, fallback = '/'): string {
  if (typeof to !== 'string' || !to.startsWith('/') || to.startsWith('//') || to.startsWith('/\\')) return fallback
  // browsers drop tabs/newlines inside URLs and read "\\" as "/": "/\t/evil" would become "//evil"
  for (const ch of to) {
    const code = ch.charCodeAt(0)
    if (code < 0x20 || code === 0x7f || ch === '\\') return fallback
  }
  return to
}

function currentPath(request: Request): string {
  const url = new URL(request.url)
  return url.pathname + url.search
}

/** The redirect for a request that is not fully signed in. */
export function redirectForState(state: Exclude<AuthState, { kind: 'signed-in' }>, request: Request): Response {
  switch (state.kind) {
    case 'setup':
      return redirect('/setup')
    case 'enrol':
      return redirect('/enrol')
    case 'second-factor':
      return redirect(`/two-factor?redirectTo=${encodeURIComponent(safeRedirect(currentPath(request)))}`)
    case 'anonymous': {
      const path = request.method === 'GET' ? currentPath(request) : new URL(request.url).pathname
      // the sign-in steps themselves are no place to come back to
      const plain = path === '/' || /^\/(login|two-factor|enrol|logout)(\/|\?|$)/.test(path)
      const target = plain ? '/login' : `/login?redirectTo=${encodeURIComponent(path)}`
      return redirect(target, state.staleCookie ? { headers: { 'Set-Cookie': clearSessionCookie(request) } } : undefined)
    }
  }
}

/** The signed-in user (second factor verified), or null. */
export async function getOptionalUser(request: Request): Promise<SessionUser | null> {
  const state = await getAuthState(request)
  return state.kind === 'signed-in' ? state.user : null
}

/** The signed-in user with their session; otherwise throws the redirect to setup/login/enrol/2FA. */
export async function requireSession(request: Request): Promise<{ user: SessionUser; session: ActiveSession['session'] }> {
  const state = await getAuthState(request)
  if (state.kind !== 'signed-in') throw redirectForState(state, request)
  return { user: state.user, session: state.session }
}

/** The signed-in user; otherwise throws the redirect to /setup, /login, /enrol or /two-factor. */
export async function requireUser(request: Request): Promise<SessionUser> {
  return (await requireSession(request)).user
}

/** The signed-in user when the policy table allows `permission` for their role; else a 403. */
export async function requireUserWithPermission(request: Request, permission: Permission): Promise<SessionUser> {
  const user = await requireUser(request)
  if (!can(user.role, permission)) throw new Response('Forbidden', { status: 403, statusText: 'Forbidden' })
  return user
}

/** A 429 answer for a form: translated message key, seconds to wait, and the Retry-After header. */
export function rateLimited(retryAfterSeconds: number, extraHeaders: Record<string, string> = {}) {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds))
  return data(
    { ok: false as const, errors: { form: 'auth:errors.rateLimited' }, retryAfterSeconds: seconds, values: {} },
    { status: 429, headers: { 'Retry-After': String(seconds), ...extraHeaders } },
  )
}

/**
 * `export const headers = retryAfterHeaders` in a route whose action may answer 429: Remix only
 * sends an action's headers on the HTTP response through the route's headers function.
 */
export const retryAfterHeaders: HeadersFunction = ({ actionHeaders, errorHeaders }) => {
  const retryAfter = actionHeaders.get('Retry-After') ?? errorHeaders?.get('Retry-After')
  return retryAfter ? { 'Retry-After': retryAfter } : new Headers()
}

/** The client address from the load context (X-Forwarded-For only with TRUST_PROXY=true). */
export function clientIp(context: AppLoadContext | undefined): string | null {
  const ip = context?.clientIp
  return ip && ip !== 'unknown' ? ip : null
}
