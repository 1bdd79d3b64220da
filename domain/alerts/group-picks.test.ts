// The composer's group picks on PGlite and PostgreSQL: paging, device and staff groups saved with a
// draft (beside the CAP, never in it), refused when they are not groups of the territory or when a
// group-only channel has none (the error names the field), carried through editing, approval and
// issuing to the alert; the preview counts each channel's recipients per picked group and shows
// each enabled social account's exact post (the social route's own text).
import { randomUUID } from 'node:crypto'
import { beforeAll, expect, it } from 'vitest'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { createStaff, demoTerritory } from '#domain/incidents/test-support.ts'
import { sealSecret } from '#domain/secrets/seal.ts'
import { socialPostText } from '#notify/dispatch/social-route.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { approveAlertDraft } from './approve-alert-draft.ts'
import { composerValuesOf } from './composer-values.ts'
import { getAlertDraft } from './get-alert-draft.ts'
import { DRAFT_PICKS_KEY } from './group-picks.ts'
import { issueAlertDraft } from './issue-alert-draft.ts'
import { REQUIRE_APPROVAL_SETTING } from './issue-cap-alert.ts'
import { draftIdentity, loadComposerContext } from './load-composer-context.ts'
import { prefillComposer } from './prefill-composer.ts'
import { previewAlert } from './preview-alert-draft.ts'
import { saveAlertDraft } from './save-alert-draft.ts'
import { submitAlertDraft } from './submit-alert-draft.ts'
import { validateDraftPayload } from './validate-draft-payload.ts'
import { refusal } from '#tests/support/refusal.ts'

const drawn = JSON.stringify({
  type: 'Polygon',
  coordinates: [[[23.715, 56.65], [23.719, 56.65], [23.719, 56.653], [23.715, 56.653], [23.715, 56.65]]],
})

describeEachBackend('composer group picks', (backend) => {
  const db = useTestDatabase(backend)
  let prisma: PrismaClient
  let territory: { id: string; name: string }
  let operator: Actor
  let member: Actor
  const g = { paging: '', gatewayless: '', devices: '', staff: '', staff2: '', foreign: '' }

  beforeAll(async () => {
    prisma = db().prisma
    territory = await demoTerritory(prisma)
    operator = await createStaff(prisma, 'OPERATOR', 'Anna Operatore')
    member = await createStaff(prisma, 'COMMISSION_MEMBER', 'Kārlis Komisija')
    const t = territory.id
    const paging = await prisma.pagingGroup.create({ data: { territoryId: t, name: 'Dome', audioGateway: true, language: 'lv' } })
    const quiet = await prisma.pagingGroup.create({ data: { territoryId: t, name: 'Skolas', language: 'ru' } })
    for (const [i, group] of [paging, paging, quiet].entries()) await prisma.phone.create({ data: { groupId: group.id, name: `P${i}`, vendor: 'cisco', address: `http://127.0.0.1:${i + 1}` } })
    await prisma.phone.create({ data: { groupId: paging.id, name: 'off', vendor: 'cisco', address: 'http://127.0.0.1:9', enabled: false } })
    const sirens = await prisma.deviceGroup.create({ data: { territoryId: t, name: 'Sirēnas', slug: 'sirens', kind: 'siren' } })
    await prisma.device.create({ data: { groupId: sirens.id, name: 'S1', username: `s1-${randomUUID()}`, passwordHash: 'x', lastSeenAt: new Date() } })
    await prisma.device.create({ data: { groupId: sirens.id, name: 'S2', username: `s2-${randomUUID()}`, passwordHash: 'x' } })
    const user = (email: string, phone: string | null) => prisma.user.create({ data: { email, name: email, role: 'OPERATOR', passwordHash: 'x', phone } })
    const [a, b, c] = [await user('a@picks.test', '+37120000001'), await user('b@picks.test', '+37120000002'), await user('c@picks.test', null)]
    const staff = await prisma.staffGroup.create({ data: { territoryId: t, name: 'Komisija' } })
    const staff2 = await prisma.staffGroup.create({ data: { territoryId: t, name: 'Dežuranti' } })
    await prisma.staffGroupMember.createMany({ data: [{ groupId: staff.id, userId: a.id }, { groupId: staff.id, userId: c.id }, { groupId: staff2.id, userId: a.id }, { groupId: staff2.id, userId: b.id }] })
    const other = await prisma.territory.create({ data: { slug: `other-${randomUUID().slice(0, 6)}`, name: 'Cita', boundary: (await prisma.territory.findUniqueOrThrow({ where: { id: t } })).boundary as never } })
    const foreign = await prisma.staffGroup.create({ data: { territoryId: other.id, name: 'Svešie' } })
    Object.assign(g, { paging: paging.id, gatewayless: quiet.id, devices: sirens.id, staff: staff.id, staff2: staff2.id, foreign: foreign.id })
  }, 120_000)

  async function values(extra: Record<string, unknown> = {}) {
    const prefill = await prefillComposer({ prisma, actor: operator, territory, templateId: 'flood', phenomenon: 'wind' })
    return { ...prefill.values, area: drawn, areaLabel: 'Lielupes krasts', ...extra } as Record<string, unknown>
  }

  it('refuses picks that are not groups of the territory, and group-only channels without a group, naming the field', async () => {
    const unknown = await refusal(
      saveAlertDraft({ prisma, actor: operator, values: await values({ staffGroupIds: [g.staff, g.foreign], deviceGroupIds: 'nope' }), channels: ['sms', 'mqtt'] }),
    )
    expect(unknown.fields).toEqual({ staffGroupIds: 'alerts:errors.unknownGroup', deviceGroupIds: 'alerts:errors.unknownGroup' })
    const missing = await refusal(saveAlertDraft({ prisma, actor: operator, values: await values(), channels: ['phone', 'mqtt'] }))
    expect(missing.fields).toEqual({ pagingGroupIds: 'alerts:errors.pagingGroupRequired', deviceGroupIds: 'alerts:errors.deviceGroupRequired' })
    // with other errors too: every problem at once
    const both = await refusal(saveAlertDraft({ prisma, actor: operator, values: await values({ 'lv.headline': '', staffGroupIds: g.foreign }), channels: ['sms'] }))
    expect(both.fields).toMatchObject({ 'lv.headline': 'alerts:errors.required', staffGroupIds: 'alerts:errors.unknownGroup' })
    // a paging group with an audio gateway is enough for MQTT
    const gateway = await saveAlertDraft({ prisma, actor: operator, values: await values({ pagingGroupIds: g.paging }), channels: ['mqtt'] })
    expect((await getAlertDraft({ prisma, actor: operator, id: gateway.id })).picks).toEqual({ pagingGroupIds: [g.paging], deviceGroupIds: [], staffGroupIds: [] })
  })

  it('carries the picks through the draft, its approval and issuing; the CAP never holds them', async () => {
    await prisma.setting.upsert({ where: { key: REQUIRE_APPROVAL_SETTING }, update: { value: true }, create: { key: REQUIRE_APPROVAL_SETTING, value: true } })
    try {
      const picks = { pagingGroupIds: [g.paging, g.gatewayless], deviceGroupIds: [g.devices], staffGroupIds: [g.staff, g.staff2] }
      const { id } = await saveAlertDraft({ prisma, actor: operator, values: await values(picks), channels: ['webpush', 'sms', 'phone', 'mqtt'] })
      const draft = await getAlertDraft({ prisma, actor: operator, id })
      expect(draft.picks).toEqual(picks)
      expect(JSON.stringify(draft.payload)).not.toContain(DRAFT_PICKS_KEY)
      expect(composerValuesOf(draft.payload, draft.channels, draft.picks)).toMatchObject(picks)
      // edited without touching the picks (a caller that is not the form): they stay
      await saveAlertDraft({ prisma, actor: operator, id, values: composerValuesOf(draft.payload, draft.channels) as Record<string, unknown> })
      expect((await getAlertDraft({ prisma, actor: operator, id })).picks).toEqual(picks)
      await submitAlertDraft({ prisma, actor: operator, id })
      await approveAlertDraft({ prisma, actor: member, id })
      const { alertId } = await issueAlertDraft({ prisma, actor: operator, id, confirmation: 'Lielupes krasts' })
      const alert = await prisma.alert.findUniqueOrThrow({ where: { id: alertId } })
      expect({ paging: alert.pagingGroupIds, devices: alert.deviceGroupIds, staff: alert.staffGroupIds }).toEqual({ paging: picks.pagingGroupIds, devices: picks.deviceGroupIds, staff: picks.staffGroupIds })
      expect(JSON.stringify(alert.payload)).not.toContain(DRAFT_PICKS_KEY)
      const audit = await prisma.auditLog.findFirstOrThrow({ where: { entityId: id, action: 'alert.draft.created' } })
      expect(audit.data).toMatchObject({ staffGroupIds: picks.staffGroupIds })
    } finally {
      await prisma.setting.deleteMany({ where: { key: REQUIRE_APPROVAL_SETTING } })
    }
  })

  it('previews per channel its recipients by group, the page text and each social account’s exact post', async () => {
    const key = Buffer.alloc(32, 7)
    const accountId = randomUUID()
    await prisma.socialAccount.create({ data: { id: accountId, territoryId: territory.id, network: 'x', name: 'Jelgava X', language: 'en', secret: new Uint8Array(sealSecret(key, accountId, { token: 't' })), secretHint: 't' } })
    const offId = randomUUID()
    await prisma.socialAccount.create({ data: { id: offId, territoryId: territory.id, network: 'mastodon', name: 'Off', language: 'lv', enabled: false, secret: new Uint8Array(sealSecret(key, offId, { token: 't' })), secretHint: 't' } })
    const picks = { pagingGroupIds: [g.paging, g.gatewayless], deviceGroupIds: [g.devices], staffGroupIds: [g.staff, g.staff2] }
    const { id } = await saveAlertDraft({ prisma, actor: operator, values: await values(picks), channels: ['sms', 'phone', 'mqtt', 'social'] })
    const draft = await getAlertDraft({ prisma, actor: operator, id })
    const context = await loadComposerContext({ prisma, territoryId: territory.id })
    const checked = validateDraftPayload({ payload: draft.payload, identity: draftIdentity(context.territory, new Date()), boundary: context.territory.boundary, channels: draft.channels })
    const base = 'https://sargs.example'
    const preview = await previewAlert({ prisma, alert: checked.alert!, channels: draft.channels, territoryId: territory.id, publicBaseUrl: base, picks: draft.picks, scope: 'Public', configuredChannels: ['sms', 'social'] })
    const channel = (name: string) => preview.channels.find((c) => c.channel === name)!
    // Anna is in both staff groups: one message; the member without a number: none
    expect(channel('sms')).toMatchObject({ recipients: 2, configured: true })
    expect(channel('sms').groups.map((x) => [x.name, x.recipients])).toEqual([['Dežuranti', 2], ['Komisija', 1]])
    // enabled phones only: 2 in Dome, 1 in Skolas
    expect(channel('phone')).toMatchObject({ recipients: 3, configured: false })
    expect(channel('phone').pages.map((p) => p.language)).toEqual(['lv', 'en', 'ru'])
    expect(channel('phone').pages[0].title).toBe(draft.payload.info[0].headline)
    // two sirens (one online) and the Dome's audio gateway
    expect(channel('mqtt').recipients).toBe(3)
    expect(channel('mqtt').groups).toEqual([
      { kind: 'device', id: g.devices, name: 'Sirēnas', recipients: 2, online: 1 },
      { kind: 'gateway', id: g.paging, name: 'Dome', recipients: 1 },
    ])
    const posts = channel('social').posts
    expect(posts.map((p) => [p.network, p.name, p.language])).toEqual([['x', 'Jelgava X', 'en']])
    expect(channel('social').recipients).toBe(1)
    const slug = (await prisma.territory.findUniqueOrThrow({ where: { id: territory.id } })).slug
    expect(posts[0].text).toContain(`${base}/alerts/`)
    expect(posts[0].text).toContain(slug)
    // exactly the social route's text for that identifier
    const identifier = decodeURIComponent(posts[0].text.split(`${base}/alerts/`)[1].split('?')[0])
    expect(posts[0].text).toBe(socialPostText({ alert: { identifier, status: checked.alert!.status, payload: checked.alert! }, account: { network: 'x', language: 'en' }, baseUrl: base }).text)
    // a restricted alert is never posted
    const restricted = await previewAlert({ prisma, alert: checked.alert!, channels: ['social'], territoryId: territory.id, publicBaseUrl: base, scope: 'Restricted' })
    expect(restricted.channels[0]).toMatchObject({ recipients: 0, posts: [] })
  })
})
