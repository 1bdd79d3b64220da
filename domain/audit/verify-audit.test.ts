// The audit chain's verification against real tampering done with raw SQL.
import { beforeEach, describe, expect, it } from 'vitest'
import { asDatabaseOwner, describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { hashAuditRow, recordAudit } from './record-audit.ts'
import { verifyAuditChain } from './verify-audit.ts'
import { listAudit } from './list-audit.ts'

describeEachBackend('audit chain', (backend) => {
  const db = useTestDatabase(backend)

  async function writeChain(n: number) {
    for (let i = 0; i < n; i++) {
      await db().prisma.$transaction((tx) =>
        recordAudit(tx, {
          actorId: null,
          actorLabel: 'system',
          action: 'test.event',
          entityType: 'Test',
          entityId: String(i + 1),
          data: { i: i + 1, note: `Ēvents nr. ${i + 1}`, nested: { b: [1, 2.5, 'x'], a: null } },
        }),
      )
    }
  }

  beforeEach(async () => {
    await asDatabaseOwner(db().prisma, ['DELETE FROM "AuditLog"'])
  })

  describe('verifyAuditChain', () => {
    it('an empty log and an intact log verify', async () => {
      expect(await verifyAuditChain(db().prisma)).toEqual({ ok: true, count: 0 })
      await writeChain(7)
      expect(await verifyAuditChain(db().prisma)).toEqual({ ok: true, count: 7 })
      // batching does not change the answer
      expect(await verifyAuditChain(db().prisma, { batchSize: 2 })).toEqual({ ok: true, count: 7 })
    })

    it('a row whose data was edited in place is reported at its seq', async () => {
      await writeChain(6)
      await asDatabaseOwner(db().prisma, [`UPDATE "AuditLog" SET "data" = '{"i": 999}'::jsonb WHERE "seq" = 4`])
      expect(await verifyAuditChain(db().prisma)).toEqual({ ok: false, count: 3, brokenAtSeq: 4n, reason: 'hash' })
      expect(await verifyAuditChain(db().prisma, { batchSize: 3 })).toMatchObject({ brokenAtSeq: 4n, reason: 'hash' })
    })

    it('an edited actor or time is caught too', async () => {
      await writeChain(3)
      await asDatabaseOwner(db().prisma, [`UPDATE "AuditLog" SET "actorLabel" = 'someone-else' WHERE "seq" = 2`])
      expect(await verifyAuditChain(db().prisma)).toMatchObject({ ok: false, brokenAtSeq: 2n, reason: 'hash' })
      await asDatabaseOwner(db().prisma, [`UPDATE "AuditLog" SET "actorLabel" = 'system' WHERE "seq" = 2`])
      expect(await verifyAuditChain(db().prisma)).toEqual({ ok: true, count: 3 })
      await asDatabaseOwner(db().prisma, [`UPDATE "AuditLog" SET "at" = "at" - interval '1 hour' WHERE "seq" = 3`])
      expect(await verifyAuditChain(db().prisma)).toMatchObject({ ok: false, brokenAtSeq: 3n, reason: 'hash' })
    })

    it('a row deleted in the middle is reported as the missing seq', async () => {
      await writeChain(8)
      await asDatabaseOwner(db().prisma, [`DELETE FROM "AuditLog" WHERE "seq" = 5`])
      expect(await verifyAuditChain(db().prisma)).toEqual({ ok: false, count: 4, brokenAtSeq: 5n, reason: 'missing' })
    })

    it('a truncated head is reported at seq 1', async () => {
      await writeChain(5)
      await asDatabaseOwner(db().prisma, [`DELETE FROM "AuditLog" WHERE "seq" <= 2`])
      expect(await verifyAuditChain(db().prisma)).toEqual({ ok: false, count: 0, brokenAtSeq: 1n, reason: 'missing' })
    })

    it('the database itself refuses to update, delete or truncate audit rows', async () => {
      await writeChain(2)
      await expect(db().prisma.$executeRawUnsafe(`UPDATE "AuditLog" SET "actorLabel" = 'x' WHERE "seq" = 1`)).rejects.toThrow(/append-only/)
      await expect(db().prisma.$executeRawUnsafe(`DELETE FROM "AuditLog" WHERE "seq" = 2`)).rejects.toThrow(/append-only/)
      await expect(db().prisma.$executeRawUnsafe(`TRUNCATE "AuditLog"`)).rejects.toThrow(/append-only/)
      expect(await verifyAuditChain(db().prisma)).toEqual({ ok: true, count: 2 })
    })

    it('a rewritten row with a self-consistent hash still breaks the link to it', async () => {
      await writeChain(5)
      // forge row 3 completely (content + matching hash): row 4's prevHash no longer matches
      const row = await db().prisma.auditLog.findUniqueOrThrow({ where: { seq: 3n } })
      const forged = { ...row, data: { i: 3, note: 'forged' } }
      const hash = hashAuditRow(forged)
      await asDatabaseOwner(db().prisma, [
        `UPDATE "AuditLog" SET "data" = '${JSON.stringify(forged.data)}'::jsonb, "hash" = '${hash}' WHERE "seq" = 3`,
      ])
      expect(await verifyAuditChain(db().prisma)).toEqual({ ok: false, count: 3, brokenAtSeq: 4n, reason: 'prev-hash' })
    })

    it('rows renumbered to hide a deletion break the prevHash link', async () => {
      await writeChain(5)
      await asDatabaseOwner(db().prisma, [`DELETE FROM "AuditLog" WHERE "seq" = 3`])
      await asDatabaseOwner(db().prisma, [`UPDATE "AuditLog" SET "seq" = "seq" - 1 WHERE "seq" > 3`])
      const result = await verifyAuditChain(db().prisma)
      expect(result).toMatchObject({ ok: false, brokenAtSeq: 3n })
    })
  })

  describe('listAudit', () => {
    it('pages newest first by seq with actor names', async () => {
      await writeChain(7)
      const first = await listAudit({ prisma: db().prisma, pageSize: 3 })
      expect(first.entries.map((e) => e.seq)).toEqual([7n, 6n, 5n])
      expect(first.total).toBe(7)
      const second = await listAudit({ prisma: db().prisma, pageSize: 3, beforeSeq: first.nextBeforeSeq })
      expect(second.entries.map((e) => e.seq)).toEqual([4n, 3n, 2n])
      const third = await listAudit({ prisma: db().prisma, pageSize: 3, beforeSeq: second.nextBeforeSeq })
      expect(third.entries.map((e) => e.seq)).toEqual([1n])
      expect(third.nextBeforeSeq).toBeNull()
      expect(first.entries[0].actorName).toBeNull()
    })
  })
})
