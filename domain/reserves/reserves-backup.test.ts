// A backup holds the ledger, not the balances: StockBalance is derived (server/db/backup.ts
// DERIVED_TABLES) and the restore rebuilds it through the trigger as the movements come back in
// ledger order. The restored balances equal the source's, on either backend.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createTestDatabase, describeEachBackend, type TestDatabase } from '#tests/db.ts'
import { seedDemo } from '#domain/demo/seed-demo.ts'
import { backupDatabase, restoreDatabase } from '#server/db/backup.ts'
import { verifyReserveLedger } from './verify-reserve-ledger.ts'

describeEachBackend('reserves in a backup', (backend) => {
  let source: TestDatabase
  let target: TestDatabase
  let dir = ''

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sargs-reserves-backup-'))
    source = await createTestDatabase({ backend })
    target = await createTestDatabase({ backend })
  }, 120_000)
  afterAll(async () => {
    await source?.close()
    await target?.close()
    await fs.rm(dir, { recursive: true, force: true })
  })

  it('restores the ledger and rebuilds the same balances', async () => {
    await seedDemo({ prisma: source.prisma, onlyIfEmpty: true })
    const file = path.join(dir, 'demo.jsonl.gz')
    await backupDatabase(source.prisma, file, { kind: source.kind })
    await restoreDatabase(target.prisma, file)
    const balances = (db: TestDatabase) => db.prisma.stockBalance.findMany({ orderBy: { lotId: 'asc' }, select: { lotId: true, quantity: true } })
    const restored = await balances(target)
    expect(restored.length).toBeGreaterThan(15)
    expect(restored).toEqual(await balances(source))
    expect(await target.prisma.stockMovement.count()).toBe(await source.prisma.stockMovement.count())
    expect((await verifyReserveLedger({ prisma: target.prisma })).mismatches).toEqual([])
  }, 120_000)
})
