// What devices report back over MQTT (decision 022): an ack (CAP identifier + what the device did)
// becomes a DeviceAck row, once per alert × device × status, and stamps Device.lastAckAt; a status
// message, a connect or a keep-alive ping stamps Device.lastSeenAt — at most once a minute per
// device and process (DeviceSeenWriter), not a database write per ping.
//
// Topics name the device by its username (= MQTT client id) and the territory by its slug. An ack
// for an identifier Sargs does not know, from a device it does not know, or from a device of
// another territory is ignored and reported to the caller ('unknown-…', 'foreign'), never thrown.
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { DeviceAck } from '#notify/channels/mqtt/device-message.ts'

export type AckOutcome = 'recorded' | 'duplicate' | 'unknown-device' | 'unknown-alert' | 'foreign'

type DeviceRef = { id: string; territoryId: string; territorySlug: string }

async function findDevice(prisma: PrismaClient, territorySlug: string, username: string): Promise<DeviceRef | 'unknown-device' | 'foreign'> {
  const device = await prisma.device.findUnique({ where: { username }, select: { id: true, group: { select: { territoryId: true } } } })
  if (!device) return 'unknown-device'
  const territory = await prisma.territory.findUnique({ where: { id: device.group.territoryId }, select: { slug: true } })
  if (!territory || territory.slug !== territorySlug) return 'foreign'
  return { id: device.id, territoryId: device.group.territoryId, territorySlug }
}

/** Records one ack (idempotent: a repeated ack of the same alert and status is a 'duplicate'). */
export async function recordDeviceAck(
  prisma: PrismaClient,
  report: { territory: string; username: string; ack: DeviceAck; at?: Date },
): Promise<AckOutcome> {
  const at = report.at ?? new Date()
  const device = await findDevice(prisma, report.territory, report.username)
  if (typeof device === 'string') return device
  const alert = await prisma.alert.findUnique({ where: { identifier: report.ack.identifier }, select: { id: true, territoryId: true } })
  if (!alert) return 'unknown-alert'
  if (alert.territoryId !== device.territoryId) return 'foreign'
  const inserted = await prisma.$transaction(async (tx) => {
    const created = await tx.deviceAck.createMany({
      data: [{ alertId: alert.id, deviceId: device.id, status: report.ack.action, detail: report.ack.detail ?? null, at }],
      skipDuplicates: true,
    })
    await tx.device.update({ where: { id: device.id }, data: { lastAckAt: at, lastSeenAt: at } })
    return created.count
  })
  return inserted === 1 ? 'recorded' : 'duplicate'
}

/**
 * Throttled "last seen" writes: the first sighting of a device writes at once, later ones only when
 * `intervalMs` has passed since this writer last wrote for it. Writes that fail are logged by the
 * caller's onError and tried again at the next sighting.
 */
export class DeviceSeenWriter {
  private readonly written = new Map<string, number>()
  private readonly intervalMs: number
  constructor(
    private readonly prisma: PrismaClient,
    options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
  ) {
    this.intervalMs = options.intervalMs ?? 60_000
    this.onError = options.onError ?? (() => {})
  }
  private readonly onError: (error: unknown) => void

  /** Resolves true when it wrote, false when throttled or unknown. Never rejects. */
  async seen(username: string, at: Date = new Date()): Promise<boolean> {
    const last = this.written.get(username)
    if (last !== undefined && at.getTime() - last < this.intervalMs) return false
    this.written.set(username, at.getTime())
    try {
      const updated = await this.prisma.device.updateMany({ where: { username }, data: { lastSeenAt: at } })
      return updated.count > 0
    } catch (error) {
      this.written.delete(username)
      this.onError(error)
      return false
    }
  }

  /** An ack was recorded (lastSeenAt written with it): no need to write for a while. */
  noteWritten(username: string, at: Date): void {
    this.written.set(username, at.getTime())
  }
}
