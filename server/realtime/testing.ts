// Test helpers for realtime: a real HTTP server with socket.io on 127.0.0.1, signed-in users
// (real User and Session rows), and real socket.io clients speaking our client protocol.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomUUID } from 'node:crypto'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Role } from '#generated/prisma/enums.ts'
import { createSession, SESSION_COOKIE } from '#domain/auth/sessions.ts'
import { RealtimeConnection } from '../../app/components/realtime-connection.ts'
import { attachRealtime, type Realtime, type RealtimeOptions } from './index.ts'

export type TestRealtimeServer = { url: string; port: number; realtime: Realtime; close: () => Promise<void> }

export async function startRealtimeServer(
  options: { prisma: PrismaClient } & Partial<Omit<RealtimeOptions, 'server' | 'prisma'>>,
): Promise<TestRealtimeServer> {
  const server = http.createServer((_req, res) => {
    res.statusCode = 404
    res.end()
  })
  const realtime = await attachRealtime({ server, ...options })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    realtime,
    close: async () => {
      server.closeAllConnections()
      await realtime.close()
    },
  }
}

/** A user with an enrolled second factor and a fully signed-in session. */
export async function signedInUser(prisma: PrismaClient, options: { role: Role; mfaVerified?: boolean }) {
  const user = await prisma.user.create({
    data: {
      email: `${randomUUID()}@test.invalid`,
      name: `Test ${options.role}`,
      role: options.role,
      passwordHash: 'not-used',
      totpSecret: 'JBSWY3DPEHPK3PXP',
      totpEnrolledAt: new Date(),
    },
  })
  const { token, session } = await createSession(prisma, { userId: user.id, mfaVerified: options.mfaVerified ?? true })
  return { user, token, session, cookie: `${SESSION_COOKIE}=${token}` }
}

/** Our browser client class, in Node, with the headers a browser would send. */
export function connectClient(
  url: string,
  options: { cookie?: string; origin?: string | null; transports?: ('websocket' | 'polling')[] } = {},
): RealtimeConnection {
  const headers: Record<string, string> = {}
  if (options.cookie) headers.cookie = options.cookie
  const origin = options.origin === undefined ? url : options.origin
  if (origin) headers.origin = origin
  return new RealtimeConnection({
    url,
    socketOptions: {
      transports: options.transports ?? ['websocket'],
      extraHeaders: headers,
      reconnectionDelay: 20,
      reconnectionDelayMax: 100,
      forceNew: true,
    },
  })
}

/** Resolves when the connection reaches a state (or rejects after a timeout). */
export function waitForState(connection: RealtimeConnection, state: string, timeoutMs = 5000): Promise<void> {
  if (connection.state === state) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop()
      reject(new Error(`connection did not become ${state} within ${timeoutMs} ms (is ${connection.state})`))
    }, timeoutMs)
    const stop = connection.onState((s) => {
      if (s !== state) return
      clearTimeout(timer)
      stop()
      resolve()
    })
  })
}

/** Poll until a condition holds. */
export async function until(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
