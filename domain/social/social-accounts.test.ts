// Social accounts administration on PGlite and PostgreSQL: credentials replaced write-only (sealed
// at once, the hint follows the new main credential, the audit log never holds them), refused
// without the network's fields (naming them) and for anyone but an administrator.
import { beforeAll, expect, it } from 'vitest'
import { userActor } from '#domain/auth/actor.ts'
import { makeUser } from '#domain/auth/test-helpers.ts'
import { isAppError } from '#domain/errors.ts'
import { openSecret } from '#domain/secrets/seal.ts'
import { demoTerritory } from '#notify/dispatch/fixtures/engine-support.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { addSocialAccount, listSocialAccounts, replaceSocialAccountCredentials } from './social-accounts.ts'

const KEY = Buffer.alloc(32, 3)

async function errorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  if (!isAppError(error)) throw new Error(`expected an AppError, got ${String(error)}`)
  return error
}

describeEachBackend('social accounts administration', (backend) => {
  const db = useTestDatabase(backend)
  let admin: Awaited<ReturnType<typeof makeUser>>
  let operator: Awaited<ReturnType<typeof makeUser>>
  beforeAll(async () => {
    await demoTerritory(db().prisma)
    admin = await makeUser(db().prisma, { role: 'ADMINISTRATOR', email: 'admin@social.test' })
    operator = await makeUser(db().prisma, { role: 'OPERATOR', email: 'operator@social.test' })
  }, 120_000)

  it('replaces the credentials write-only; audited without them', async () => {
    const prisma = db().prisma
    const actor = userActor(admin)
    const added = await addSocialAccount({ prisma, actor, secretsKey: KEY, input: { network: 'telegram', name: 'Jelgava TG', language: 'ru', chatId: '@jelgava', botToken: '123:old-token-abcdef' } })
    expect(added.secretHint).toBe('…cdef')
    const missing = await errorOf(replaceSocialAccountCredentials({ prisma, actor, secretsKey: KEY, id: added.id, input: {} }))
    expect(missing.fields).toEqual({ botToken: 'admin:errors.required' })
    expect((await errorOf(replaceSocialAccountCredentials({ prisma, actor: userActor(operator), secretsKey: KEY, id: added.id, input: { botToken: 'x' } }))).code).toBe('FORBIDDEN')
    const replaced = await replaceSocialAccountCredentials({ prisma, actor, secretsKey: KEY, id: added.id, input: { botToken: '456:new-token-98765' } })
    expect(replaced.secretHint).toBe('…8765')
    const row = await prisma.socialAccount.findUniqueOrThrow({ where: { id: added.id } })
    expect(openSecret(KEY, row.id, row.secret)).toEqual({ botToken: '456:new-token-98765' })
    expect((await listSocialAccounts({ prisma, actor })).find((a) => a.id === added.id)).toMatchObject({ secretHint: '…8765', config: { chatId: '@jelgava' } })
    expect(JSON.stringify(await listSocialAccounts({ prisma, actor }))).not.toContain('new-token')
    const audit = await prisma.auditLog.findMany({ where: { entityId: added.id }, orderBy: { seq: 'asc' } })
    expect(audit.map((a) => a.action)).toEqual(['social-account.added', 'social-account.credentials-replaced'])
    expect(JSON.stringify(audit.map((a) => a.data))).not.toMatch(/old-token|new-token/)
  })
})
