// Store one realtime event and return it with its id and the id of the room's previous event.
import type { Prisma, PrismaClient } from '#generated/prisma/client.ts'
import { AppError } from '#domain/errors.ts'
import { lockRealtimeEvents, type RealtimeEventRecord } from './event-store.ts'
import { parseRoom } from './rooms.ts'

const TYPE = /^[a-z][a-z0-9.:-]{0,59}$/

export async function appendRealtimeEvent(options: {
  prisma: PrismaClient
  room: string
  type: string
  payload: unknown
}): Promise<RealtimeEventRecord> {
  const { prisma, room, type } = options
  if (!parseRoom(room)) throw new AppError('INVALID_INPUT', `not a realtime room: ${room}`, { fields: { room: 'realtime.invalidRoom' } })
  if (!TYPE.test(type)) throw new AppError('INVALID_INPUT', `bad event type: ${type}`, { fields: { type: 'realtime.invalidType' } })
  const payload = (options.payload ?? null) as Prisma.InputJsonValue
  return prisma.$transaction(async (tx) => {
    // Taken before the id is drawn and held until commit: ids commit in order.
    await lockRealtimeEvents(tx)
    const previous = await tx.realtimeEvent.findFirst({
      where: { room },
      orderBy: { id: 'desc' },
      select: { id: true },
    })
    const row = await tx.realtimeEvent.create({ data: { room, type, payload } })
    return {
      id: row.id,
      prev: previous?.id ?? null,
      room: row.room,
      type: row.type,
      payload: row.payload,
      createdAt: row.createdAt,
    }
  })
}
