// A resident scans the shelter's QR code and confirms "we are here" (1–10 people): counted, with no
// identity kept (no account, no name, no address; the audit row says "qr"). The token in the code
// is the only credential, so replaying it must not inflate the count (decision 012):
// - per device address and shelter: one check-in per 30 minutes (a second scan of the same poster
//   by the same phone, or a script from one address, counts nothing); the address is kept only
//   as a SHA-256 inside the rate-limit key, for the window;
// - per shelter: at most 60 QR check-ins per 10 minutes, whatever the addresses;
// - only while the shelter is OPEN or FULL; a rotated token (new poster) retires the old one.
// Refusals: NOT_FOUND (unknown token), CONFLICT (not open), RATE_LIMITED with Retry-After.
import { createHash } from 'node:crypto'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { consumeRateLimits } from '#domain/auth/rate-limit.ts'
import { AppError } from '#domain/errors.ts'
import type { RealtimePublisher } from '#domain/runtime.ts'
import { appendOccupancy } from './append-occupancy.ts'
import { lockShelter } from './lock-shelter.ts'
import { publishShelter } from './publish-shelter.ts'
import { toPublicShelter, type PublicShelter } from './serialize.ts'
import { shelterErrors } from './shelter-errors.ts'

export const qrLimits = {
  perAddress: { limit: 1, windowSeconds: 30 * 60 },
  perShelter: { limit: 60, windowSeconds: 10 * 60 },
  maxPeople: 10,
} as const

const qrActor: Actor = { id: null, role: null, label: 'qr' }

export type QrCheckInOptions = {
  prisma: PrismaClient
  token: string
  /** { people: 1..10 } */
  input: unknown
  /** the client's address (rate limiting only; never stored as such) */
  clientIp: string | null
  now?: Date
  realtime?: RealtimePublisher | null
}

export async function qrCheckIn(options: QrCheckInOptions): Promise<PublicShelter> {
  const { prisma } = options
  const now = options.now ?? new Date()
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(options.token)) throw new AppError('NOT_FOUND', 'Unknown code')
  const raw = (options.input as { people?: unknown } | null)?.people ?? 1
  const people = Number(raw)
  if (!Number.isInteger(people) || people < 1 || people > qrLimits.maxPeople) {
    throw new AppError('INVALID_INPUT', 'People 1–10', { fields: { people: shelterErrors.invalid } })
  }
  const found = await prisma.shelter.findUnique({ where: { qrToken: options.token }, select: { id: true, status: true } })
  if (!found) throw new AppError('NOT_FOUND', 'Unknown code')
  if (found.status !== 'OPEN' && found.status !== 'FULL') {
    throw new AppError('CONFLICT', 'Shelter not open', { fields: { form: shelterErrors.notOpen } })
  }
  const address = createHash('sha256').update(options.clientIp ?? 'unknown').digest('hex').slice(0, 32)
  const limited = await consumeRateLimits(
    prisma,
    [
      { key: `shelter-qr:${found.id}:${address}`, ...qrLimits.perAddress },
      { key: `shelter-qr:${found.id}`, ...qrLimits.perShelter },
    ],
    now,
  )
  if (!limited.ok) throw new AppError('RATE_LIMITED', 'Already counted', { retryAfterSeconds: limited.retryAfterSeconds })

  const shelter = await prisma.$transaction(async (tx) => {
    const shelter = await lockShelter(tx, found.id)
    if (shelter.qrToken !== options.token) throw new AppError('NOT_FOUND', 'Unknown code') // rotated meanwhile
    return appendOccupancy(tx, { shelter, actor: qrActor, direction: 'IN', people, source: 'QR', now })
  })
  await publishShelter(shelter, now, options.realtime)
  return toPublicShelter(shelter, now)
}
