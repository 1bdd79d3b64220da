import pg from 'pg'
import { expect, it } from 'vitest'
import { createTestDatabase, describeEachBackend, testDatabaseUrl, useTestDatabase } from './db.ts'

describeEachBackend('test databases', (backend) => {
  const db = useTestDatabase(backend, 'each')

  it('start empty and migrated (1)', async () => {
    expect(db().kind).toBe(backend)
    expect(await db().prisma.setting.count()).toBe(0)
    await db().prisma.setting.create({ data: { key: 'a', value: 1 } })
  })

  it('start empty and migrated (2): nothing leaks from the previous test', async () => {
    expect(await db().prisma.setting.count()).toBe(0)
  })

  it('are independent of each other, and PostgreSQL schemas are dropped on close', async () => {
    const other = await createTestDatabase({ backend })
    await other.prisma.setting.create({ data: { key: 'b', value: 2 } })
    expect(await db().prisma.setting.count()).toBe(0)
    await other.close()
    if (backend === 'postgres') {
      const client = new pg.Client({ connectionString: testDatabaseUrl() })
      await client.connect()
      const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [other.schema])
      await client.end()
      expect(rowCount).toBe(0)
    }
  })
})

describeEachBackend('a test database in reset scope', (backend) => {
  const db = useTestDatabase(backend, 'reset')

  it('keeps rows during a test (1)', async () => {
    await db().prisma.setting.create({ data: { key: 'a', value: 1 } })
    const event = await db().prisma.realtimeEvent.create({ data: { room: 'r', type: 't', payload: {} } })
    expect(event.id).toBe(1n)
  })

  it('is empty, with sequences restarted, in the next test (2)', async () => {
    expect(await db().prisma.setting.count()).toBe(0)
    const event = await db().prisma.realtimeEvent.create({ data: { room: 'r', type: 't', payload: {} } })
    expect(event.id).toBe(1n)
    const [{ count }] = await db().prisma.$queryRawUnsafe<{ count: bigint }[]>(
      'SELECT count(*) AS count FROM _prisma_migrations',
    )
    expect(count).toBeGreaterThan(0n)
  })
})
