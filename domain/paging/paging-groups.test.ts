// Paging groups and desk phones (domain): fields validated and named, credentials sealed and never
// shown back, every change audited, administrators only, the composer's list and page preview.
// On PGlite and PostgreSQL.
import crypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { systemActor } from '#domain/auth/actor.ts'
import { seedDemo } from '#domain/demo/seed-demo.ts'
import { openSecret } from '#domain/secrets/seal.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import {
  addPhone,
  createPagingGroup,
  deletePagingGroup,
  hasPageablePhones,
  listPagingGroups,
  listPagingGroupsForComposer,
  pagePreview,
  readPhoneAddress,
  removePhone,
  setPagingGroupEnabled,
  setPhoneEnabled,
  updatePagingGroup,
  updatePhone,
} from './paging-groups.ts'
import { createPageToken, parsePageToken, phoneTokenKey } from './phone-tokens.ts'

describe('paging: pure parts', () => {
  it('reads a phone address as scheme://host[:port] only', () => {
    expect(readPhoneAddress('http://10.20.0.15')).toBe('http://10.20.0.15')
    expect(readPhoneAddress('https://phone.example:8443/')).toBe('https://phone.example:8443')
    for (const bad of ['10.20.0.15', 'ftp://x', 'http://u:p@x', 'http://x/path', 'http://x?q=1', '']) expect(readPhoneAddress(bad), bad).toBeUndefined()
  })

  it("previews the page in the group's language with the lv fallback and the exercise marking", () => {
    const info = (language: string, headline: string, instruction: string) => ({ language, headline, instruction, event: 'Plūdi', severity: 'Severe' }) as CapAlert['info'][number]
    const alert = { identifier: 'x', status: 'Actual', info: [info('lv-LV', 'Plūdi', 'Dodieties augstāk.'), info('ru-RU', 'Наводнение', 'Поднимитесь выше.')] } as CapAlert
    expect(pagePreview(alert, 'ru').text).toBe('Наводнение\nПоднимитесь выше.')
    expect(pagePreview(alert, 'en').text).toBe('Plūdi\nDodieties augstāk.')
    expect(pagePreview({ ...alert, status: 'Exercise' }, 'ru').title).toBe('УЧЕНИЯ: Наводнение')
  })

  it('signs page tokens that expire', () => {
    const key = phoneTokenKey(crypto.randomBytes(32))
    const now = Date.now()
    const token = createPageToken(42n, key, now)
    expect(parsePageToken(token, key, now)).toEqual({ ok: true, deliveryId: 42n })
    expect(parsePageToken(token, key, now + 25 * 3600_000)).toEqual({ ok: false, reason: 'expired' })
    expect(parsePageToken(token.replace(/^42/, '43'), key, now)).toEqual({ ok: false, reason: 'bad signature' })
    expect(parsePageToken(token, phoneTokenKey(crypto.randomBytes(32)), now)).toEqual({ ok: false, reason: 'bad signature' })
    expect(parsePageToken('nope', key, now)).toEqual({ ok: false, reason: 'malformed' })
  })
})

describeEachBackend('paging groups and phones', (backend) => {
  const db = useTestDatabase(backend, 'reset')
  const key = crypto.randomBytes(32)

  it('validates, seals, audits, lists; administrators only', async () => {
    const prisma = db().prisma
    await seedDemo({ prisma, onlyIfEmpty: true })
    const territory = await prisma.territory.findFirstOrThrow()
    await expect(createPagingGroup({ prisma, actor: systemActor, input: { name: '', language: 'de' } })).rejects.toMatchObject({ code: 'INVALID_INPUT', fields: { name: 'errors:required', language: 'errors:invalid' } })
    const group = await createPagingGroup({ prisma, actor: systemActor, input: { name: 'Skolas', language: 'ru', requireAck: 'true' } })
    await expect(createPagingGroup({ prisma, actor: systemActor, input: { name: 'Skolas' } })).rejects.toMatchObject({ code: 'CONFLICT', fields: { name: 'admin:paging.nameTaken' } })
    // an operator may not
    const operator = { id: 'u1', role: 'OPERATOR' as const, label: 'user:u1' }
    await expect(createPagingGroup({ prisma, actor: operator, input: { name: 'X' } })).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(listPagingGroups({ prisma, actor: operator })).rejects.toMatchObject({ code: 'FORBIDDEN' })

    await expect(addPhone({ prisma, actor: systemActor, secretsKey: key, groupId: group.id, input: { name: 'A', vendor: 'nokia', address: 'telnet://x', username: 'u' } })).rejects.toMatchObject({
      fields: { vendor: 'errors:invalid', address: 'errors:invalid', password: 'errors:required' },
    })
    const phone = await addPhone({ prisma, actor: systemActor, secretsKey: key, groupId: group.id, input: { name: 'Skola 1', vendor: 'poly', address: 'http://10.0.4.21/', username: 'PushUserName', password: 'poly-password-1' } })
    expect(phone).toMatchObject({ address: 'http://10.0.4.21', secretHint: '…Name', hasCredentials: true })
    expect(JSON.stringify(phone)).not.toContain('poly-password-1')
    const row = await prisma.phone.findUniqueOrThrow({ where: { id: phone.id } })
    expect(openSecret(key, row.id, row.secret!)).toEqual({ username: 'PushUserName', password: 'poly-password-1' })
    // an edit without credentials keeps them; with both it replaces them; clearCredentials removes them
    await updatePhone({ prisma, actor: systemActor, secretsKey: key, id: phone.id, input: { name: 'Skola Nr. 1' } })
    const kept = await prisma.phone.findUniqueOrThrow({ where: { id: phone.id } })
    expect(kept.name).toBe('Skola Nr. 1')
    expect(openSecret(key, kept.id, kept.secret!).password).toBe('poly-password-1')
    await updatePhone({ prisma, actor: systemActor, secretsKey: key, id: phone.id, input: { username: 'Push2', password: 'poly-password-2' } })
    expect(openSecret(key, phone.id, (await prisma.phone.findUniqueOrThrow({ where: { id: phone.id } })).secret!).password).toBe('poly-password-2')
    await updatePhone({ prisma, actor: systemActor, secretsKey: key, id: phone.id, input: { clearCredentials: 'true' } })
    expect(await prisma.phone.findUniqueOrThrow({ where: { id: phone.id } })).toMatchObject({ secret: null, secretHint: '' })

    expect(await listPagingGroupsForComposer(prisma, territory.id)).toEqual([{ id: group.id, name: 'Skolas', language: 'ru', phones: 1, enabled: true, requireAck: true, audioGateway: false }])
    expect(await hasPageablePhones(prisma)).toBe(true)
    await setPhoneEnabled({ prisma, actor: systemActor, id: phone.id, enabled: false })
    expect((await listPagingGroupsForComposer(prisma, territory.id))[0].phones).toBe(0)
    expect(await hasPageablePhones(prisma)).toBe(false)
    await setPhoneEnabled({ prisma, actor: systemActor, id: phone.id, enabled: true })
    await setPagingGroupEnabled({ prisma, actor: systemActor, id: group.id, enabled: false })
    expect(await hasPageablePhones(prisma)).toBe(false)
    await updatePagingGroup({ prisma, actor: systemActor, id: group.id, input: { requireAck: 'false', language: 'lv' } })
    expect(await prisma.pagingGroup.findUniqueOrThrow({ where: { id: group.id } })).toMatchObject({ requireAck: false, language: 'lv', name: 'Skolas', enabled: false })
    await removePhone({ prisma, actor: systemActor, id: phone.id })
    await deletePagingGroup({ prisma, actor: systemActor, id: group.id })

    const audit = await prisma.auditLog.findMany({ where: { entityType: { in: ['PagingGroup', 'Phone'] } }, orderBy: { seq: 'asc' } })
    expect(audit.map((a) => a.action)).toEqual([
      'paging-group.created',
      'phone.added',
      'phone.updated',
      'phone.updated',
      'phone.updated',
      'phone.disabled',
      'phone.enabled',
      'paging-group.disabled',
      'paging-group.updated',
      'phone.removed',
      'paging-group.deleted',
    ])
    expect(JSON.stringify(audit.map((a) => a.data))).not.toMatch(/poly-password/)
  })
})
