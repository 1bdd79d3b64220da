// Helpers for the incidents tests (real database, no mocks): staff users, a recording realtime
// publisher (a fake of the socket.io side), the demo territory, and a trigger that makes the
// audit insert fail on demand to prove that a failure mid-way leaves nothing behind.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Role } from '#generated/prisma/enums.ts'
import { userActor, type Actor } from '#domain/auth/actor.ts'
import { seedDemo } from '#domain/demo/seed-demo.ts'
import type { RealtimePublisher } from '#domain/runtime.ts'

let counter = 0

export async function createStaff(prisma: PrismaClient, role: Role, name?: string): Promise<Actor & { id: string }> {
  counter += 1
  const user = await prisma.user.create({
    data: {
      email: `${role.toLowerCase()}-${counter}-${Date.now()}@example.lv`,
      name: name ?? `${role} ${counter}`,
      role,
      passwordHash: 'not-a-real-hash',
    },
  })
  return { ...userActor(user, '192.0.2.10'), id: user.id }
}

export type RecordedEvent = { room: string; type: string; payload: unknown }

export function recordingPublisher(): RealtimePublisher & { events: RecordedEvent[] } {
  const events: RecordedEvent[] = []
  return {
    events,
    publish(room, type, payload) {
      events.push({ room, type, payload: JSON.parse(JSON.stringify(payload)) })
      return Promise.resolve(BigInt(events.length))
    },
  }
}

/** The demo territory (seeded once per database). */
export async function demoTerritory(prisma: PrismaClient) {
  await seedDemo({ prisma, onlyIfEmpty: true })
  return prisma.territory.findUniqueOrThrow({ where: { slug: 'jelgava' } })
}

/** From now on, an audit row whose data mentions FAIL-AUDIT makes its INSERT fail. */
export async function installAuditFailure(prisma: PrismaClient) {
  await prisma.$executeRawUnsafe(`
    CREATE OR REPLACE FUNCTION test_fail_audit() RETURNS trigger AS $$
    BEGIN
      IF NEW.data::text LIKE '%FAIL-AUDIT%' THEN RAISE EXCEPTION 'audit refused by test trigger'; END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql`)
  await prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS test_fail_audit ON "AuditLog"`)
  await prisma.$executeRawUnsafe(
    `CREATE TRIGGER test_fail_audit BEFORE INSERT ON "AuditLog" FOR EACH ROW EXECUTE FUNCTION test_fail_audit()`,
  )
}

/** A small valid polygon in the centre of Jelgava, as a form would send it. */
export function centreSquare(offset = 0): string {
  const x = 23.715 + offset * 0.001
  const y = 56.65
  return JSON.stringify({
    type: 'Polygon',
    coordinates: [[[x, y], [x + 0.004, y], [x + 0.004, y + 0.003], [x, y + 0.003], [x, y]]],
  })
}

export const counts = async (prisma: PrismaClient) => ({
  incidents: await prisma.incident.count(),
  logEntries: await prisma.incidentLogEntry.count(),
  tasks: await prisma.task.count(),
  audit: await prisma.auditLog.count(),
})
