import { expect, it } from 'vitest'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { ensureVapidKeys, rotateVapidKeys, VAPID_SETTING_KEY } from './vapid-keys.ts'

describeEachBackend('VAPID keys in the database', (backend) => {
  const db = useTestDatabase(backend, 'reset')

  it('are made once on first start, also when two processes start together, and rotate on request', async () => {
    const prisma = db().prisma
    const [a, b] = await Promise.all([ensureVapidKeys(prisma), ensureVapidKeys(prisma)])
    expect(a).toEqual(b)
    expect(Buffer.from(a.publicKey, 'base64url')).toHaveLength(65)
    expect(Buffer.from(a.privateKey, 'base64url')).toHaveLength(32)
    expect(await ensureVapidKeys(prisma)).toEqual(a)
    const rotated = await rotateVapidKeys(prisma)
    expect(rotated.publicKey).not.toBe(a.publicKey)
    expect(await ensureVapidKeys(prisma)).toEqual(rotated)
    expect(await prisma.setting.count({ where: { key: VAPID_SETTING_KEY } })).toBe(1)
  })
})
