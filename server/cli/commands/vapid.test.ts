import { describe, expect, it } from 'vitest'
import { verifyAuditChain } from '#domain/audit/verify-audit.ts'
import { ensureVapidKeys } from '#notify/dispatch/vapid-keys.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { UsageError } from '../main.ts'
import { parseVapidArgs, rotateVapidCommand, showVapidCommand } from './vapid.ts'

describe('sargs vapid: arguments', () => {
  it('takes show or rotate and nothing else', () => {
    expect(parseVapidArgs(['show'])).toBe('show')
    expect(parseVapidArgs(['rotate'])).toBe('rotate')
    for (const [args, message] of [[[], /usage: sargs vapid show \| rotate/], [['renew'], /unknown subcommand "renew"/], [['show', '--json'], /unexpected argument "--json"/]] as const) {
      expect(() => parseVapidArgs([...args])).toThrow(UsageError)
      expect(() => parseVapidArgs([...args])).toThrow(message)
    }
  })
})

describeEachBackend('sargs vapid show / rotate', (backend) => {
  const db = useTestDatabase(backend)

  it('show prints the key (made once); rotate replaces it, audited as cli with the previous key', async () => {
    const prisma = db().prisma
    const shown: string[] = []
    expect(await showVapidCommand(prisma, (l) => shown.push(l))).toBe(0)
    const keys = await ensureVapidKeys(prisma)
    expect(shown[0]).toBe(`VAPID public key: ${keys.publicKey}`)
    expect(keys.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/) // an uncompressed P-256 point, base64url
    const again: string[] = []
    await showVapidCommand(prisma, (l) => again.push(l))
    expect(again[0]).toBe(shown[0])

    const rotated: string[] = []
    expect(await rotateVapidCommand(prisma, (l) => rotated.push(l))).toBe(0)
    const fresh = await ensureVapidKeys(prisma)
    expect(fresh.publicKey).not.toBe(keys.publicKey)
    expect(fresh.privateKey).not.toBe(keys.privateKey)
    expect(rotated[0]).toBe(`New VAPID public key: ${fresh.publicKey}`)
    expect(rotated[1]).toBe(`Replaced: ${keys.publicKey}`)
    expect(rotated.join('\n')).toMatch(/must subscribe again/)
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: 'vapid.rotate' } })
    expect(audit).toMatchObject({ actorLabel: 'cli', actorId: null, entityType: 'Setting', entityId: 'webpush.vapid' })
    expect(audit.data).toEqual({ publicKey: fresh.publicKey, previousPublicKey: keys.publicKey })
    // the private key never reaches the audit log
    expect(JSON.stringify(audit.data)).not.toContain(fresh.privateKey)
    expect((await verifyAuditChain(prisma)).ok).toBe(true)
  })
})
