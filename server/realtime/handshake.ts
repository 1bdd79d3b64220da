// Handshake checks for socket.io: the Origin must be ours (cross-site websockets are refused,
// same rule as server/http/origin.ts), and the sargs_session cookie must belong to a live, fully
// signed-in session (second factor verified).
import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Role } from '#generated/prisma/enums.ts'
import { SESSION_COOKIE, findActiveSession } from '#domain/auth/sessions.ts'
import { isAllowedOrigin } from '../http/origin.ts'

export type SocketUser = { id: string; role: Role; name: string }
export type SocketData = { token: string; sessionId: string; user: SocketUser }

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** The origin a request was addressed to (Host header, or X-Forwarded-* behind a trusted proxy). */
export function handshakeOrigin(req: IncomingMessage, trustProxy: boolean): string {
  const encrypted = Boolean((req.socket as TLSSocket).encrypted)
  const proto = (trustProxy && header(req, 'x-forwarded-proto')?.split(',')[0].trim()) || (encrypted ? 'https' : 'http')
  const host = (trustProxy && header(req, 'x-forwarded-host')?.split(',')[0].trim()) || header(req, 'host')
  return `${proto}://${host}`
}

/** socket.io's allowRequest: runs for every engine.io request (handshake, polling, upgrade). */
export function originAllowed(req: IncomingMessage, options: { publicOrigin?: string; trustProxy: boolean }): boolean {
  const allowed = options.publicOrigin ? [options.publicOrigin] : [handshakeOrigin(req, options.trustProxy)]
  return isAllowedOrigin({ origin: header(req, 'origin'), secFetchSite: header(req, 'sec-fetch-site') }, allowed)
}

/** The value of one cookie in a Cookie header. */
export function readCookie(cookieHeader: string | undefined, name: string): string | null {
  if (!cookieHeader) return null
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() !== name) continue
    let value = part.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    try {
      return decodeURIComponent(value)
    } catch {
      return null
    }
  }
  return null
}

/**
 * Resolve a session token to the socket's identity, or null. Does not slide the idle timeout:
 * an open dashboard alone does not keep a session alive; page requests do.
 */
export async function resolveSocketSession(prisma: PrismaClient, token: string | null): Promise<SocketData | null> {
  if (!token) return null
  const active = await findActiveSession(prisma, token, { touch: false })
  if (!active || !active.session.mfaVerified) return null
  return { token, sessionId: active.session.id, user: { id: active.user.id, role: active.user.role, name: active.user.name } }
}

export function sessionTokenFrom(req: IncomingMessage): string | null {
  return readCookie(header(req, 'cookie'), SESSION_COOKIE)
}
