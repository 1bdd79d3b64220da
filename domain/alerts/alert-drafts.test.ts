// The composer's domain on PGlite and PostgreSQL: compose from a template, validation errors per
// composer field, who may compose/approve what, the approval rule, typed confirmation, one alert
// however many times a draft is issued at once, preview counts and texts, settings, Update; the
// channels chosen per alert and the hand-written SMS text (CAP parameter SARGS_SMS) with its preview.
import { beforeAll, beforeEach, expect, it } from 'vitest'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { createStaff, demoTerritory } from '#domain/incidents/test-support.ts'
import { capSchemaErrors } from '#notify/cap/cap-schema.test-support.ts'
import { toXml } from '#notify/cap/to-xml.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { approveAlertDraft } from './approve-alert-draft.ts'
import { composeAlert } from './compose-alert.ts'
import { composerValuesOf } from './composer-values.ts'
import { getAlertDraft } from './get-alert-draft.ts'
import { getAlertSettings } from './get-alert-settings.ts'
import { issueAlertDraft } from './issue-alert-draft.ts'
import { REQUIRE_APPROVAL_SETTING } from './issue-cap-alert.ts'
import { listReferenceableAlerts } from './list-referenceable-alerts.ts'
import { newAlertIdentity } from './new-alert-identity.ts'
import { draftIdentity, loadComposerContext } from './load-composer-context.ts'
import { prefillComposer } from './prefill-composer.ts'
import { previewAlert } from './preview-alert-draft.ts'
import { rejectAlertDraft } from './reject-alert-draft.ts'
import { saveAlertDraft } from './save-alert-draft.ts'
import { submitAlertDraft } from './submit-alert-draft.ts'
import { updateAlertSettings } from './update-alert-settings.ts'
import { validateDraftPayload } from './validate-draft-payload.ts'
import { refusal } from '#tests/support/refusal.ts'

// a small square in the centre of Jelgava, as the map hands it to the form
const drawn = JSON.stringify({
  type: 'Polygon',
  coordinates: [[[23.715, 56.65], [23.719, 56.65], [23.719, 56.653], [23.715, 56.653], [23.715, 56.65]]],
})

describeEachBackend('alert composer', (backend) => {
  const db = useTestDatabase(backend)
  let prisma: PrismaClient
  let territory: { id: string; name: string }
  let operator: Actor
  let operator2: Actor
  let member: Actor
  let trainer: Actor
  let admin: Actor
  let centreId: string

  beforeAll(async () => {
    prisma = db().prisma
    territory = await demoTerritory(prisma)
    operator = await createStaff(prisma, 'OPERATOR', 'Anna Operatore')
    operator2 = await createStaff(prisma, 'OPERATOR', 'Otrā Operatore')
    member = await createStaff(prisma, 'COMMISSION_MEMBER', 'Kārlis Komisija')
    trainer = await createStaff(prisma, 'TRAINER')
    admin = await createStaff(prisma, 'ADMINISTRATOR')
    centreId = (await prisma.namedArea.findFirstOrThrow({ where: { territoryId: territory.id, name: 'Centrs' } })).id
  }, 120_000)

  beforeEach(async () => {
    await prisma.setting.deleteMany({ where: { key: REQUIRE_APPROVAL_SETTING } })
  })

  async function templateValues(actor: Actor, templateId = 'flood', extra: Record<string, unknown> = {}) {
    const { values } = await prefillComposer({ prisma, actor, territory, templateId, phenomenon: 'wind' })
    return { ...values, area: drawn, areaLabel: 'Lielupes krasts', ...extra } as Record<string, unknown>
  }

  async function subscribe(place: [number, number], languages = ['lv']) {
    const n = Math.random().toString(36).slice(2)
    await prisma.pushSubscription.create({
      data: {
        endpoint: `https://push.example/${n}`, p256dh: 'k', auth: 'a', languages, minSeverity: 'Minor', places: [place],
        minLng: place[0], maxLng: place[0], minLat: place[1], maxLat: place[1],
      },
    })
  }

  it('composes a flood warning from the template in lv, en and ru, audited', async () => {
    const values = await templateValues(operator)
    expect(values['lv.headline']).toContain('Jelgava')
    expect(values['ru.event']).toBe('Наводнение')
    const { id } = await saveAlertDraft({ prisma, actor: operator, values: { ...values, 'lv.headline': 'Plūdu draudi: Lielupes krasts' } })
    const draft = await getAlertDraft({ prisma, actor: operator, id })
    expect(draft.state).toBe('DRAFT')
    expect(draft.status).toBe('Actual')
    expect(draft.areaName).toBe('Lielupes krasts')
    expect(draft.payload.info.map((i) => i.language)).toEqual(['lv-LV', 'en-GB', 'ru-RU'])
    expect(draft.payload.info[0].area[0].polygon).toHaveLength(1)
    expect(draft.approval).toBe('not-needed')
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { entityId: id, action: 'alert.draft.created' } })
    expect(audit.actorId).toBe(operator.id)
  })

  it('names each wrong field of the composer', async () => {
    const drafts = await prisma.alertDraft.count()
    const values = await templateValues(operator, 'flood', {
      'lv.headline': '',
      'en.description': '',
      expires: '2001-01-01T10:00',
      severity: 'Catastrophic',
      category: [],
    })
    const error = await refusal(saveAlertDraft({ prisma, actor: operator, values }))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.fields).toMatchObject({
      'lv.headline': 'alerts:errors.required',
      'en.description': 'alerts:errors.required',
      expires: 'alerts:errors.expiresBeforeSent',
      severity: 'alerts:errors.unknownValue',
      category: 'alerts:errors.categoryRequired',
    })
    // a drawn area without its name; nothing at all
    const unnamed = await refusal(saveAlertDraft({ prisma, actor: operator, values: { ...(await templateValues(operator)), areaLabel: '' } }))
    expect(unnamed.fields).toEqual({ areaLabel: 'alerts:errors.required' })
    const nowhere = await refusal(saveAlertDraft({ prisma, actor: operator, values: { ...(await templateValues(operator)), area: '', areaLabel: '' } }))
    expect(nowhere.fields).toEqual({ area: 'alerts:errors.areaRequired' })
    const outside = JSON.stringify({ type: 'Polygon', coordinates: [[[24.5, 57], [24.51, 57], [24.51, 57.01], [24.5, 57]]] })
    const far = await refusal(saveAlertDraft({ prisma, actor: operator, values: { ...(await templateValues(operator)), area: outside } }))
    expect(far.fields).toEqual({ area: 'incidents:errors.areaOutsideTerritory' })
    expect(await prisma.alertDraft.count()).toBe(drafts)
  })

  it('a named area is sent as its geocode and polygon, and its name is the confirmation', async () => {
    const { id } = await saveAlertDraft({ prisma, actor: operator, values: { ...(await templateValues(operator)), area: '', areaLabel: '', namedAreaIds: [centreId] } })
    const draft = await getAlertDraft({ prisma, actor: operator, id })
    expect(draft.areaName).toBe('Centrs')
    expect(draft.payload.info[0].area[0]).toMatchObject({ areaDesc: 'Centrs', geocode: [{ valueName: 'SARGS_AREA', value: centreId }] })
    expect(draft.payload.info[0].area[0].polygon.length).toBeGreaterThan(0)
    const unknown = await refusal(saveAlertDraft({ prisma, actor: operator, values: { ...(await templateValues(operator)), namedAreaIds: ['nope'] } }))
    expect(unknown.fields).toEqual({ namedAreaIds: 'alerts:errors.unknownNamedArea' })
  })

  it('a trainer composes and issues exercises only, and sees no real drafts', async () => {
    const real = await refusal(saveAlertDraft({ prisma, actor: trainer, values: await templateValues(trainer, 'storm', { status: 'Actual' }) }))
    expect(real.code).toBe('FORBIDDEN')
    expect(real.fields).toEqual({ status: 'alerts:errors.statusNotAllowed' })
    const prefill = await prefillComposer({ prisma, actor: trainer, territory, templateId: 'storm' })
    expect(prefill.values.status).toBe('Exercise')
    const { id } = await saveAlertDraft({ prisma, actor: trainer, values: await templateValues(trainer, 'storm') })
    const issued = await issueAlertDraft({ prisma, actor: trainer, id, confirmation: 'lielupes  KRASTS ' })
    const alert = await prisma.alert.findUniqueOrThrow({ where: { id: issued.alertId } })
    expect(alert.status).toBe('Exercise')
    const realDraft = await saveAlertDraft({ prisma, actor: operator, values: await templateValues(operator) })
    expect((await refusal(getAlertDraft({ prisma, actor: trainer, id: realDraft.id }))).code).toBe('FORBIDDEN')
    expect((await refusal(issueAlertDraft({ prisma, actor: trainer, id: realDraft.id, confirmation: 'Lielupes krasts' }))).code).toBe('FORBIDDEN')
  })

  it('issuing asks for the area name typed exactly', async () => {
    const { id } = await saveAlertDraft({ prisma, actor: operator, values: await templateValues(operator) })
    for (const typed of ['', 'Lielupes', 'Lielupes krasts!', undefined]) {
      const error = await refusal(issueAlertDraft({ prisma, actor: operator, id, confirmation: typed }))
      expect(error.fields).toEqual({ confirmation: 'errors:alert.confirmationMismatch' })
    }
    expect(await prisma.alert.count({ where: { draft: { id } } })).toBe(0)
  })

  it('a double click, a second tab and a retried request issue one alert', async () => {
    const { id } = await saveAlertDraft({ prisma, actor: operator, values: await templateValues(operator) })
    const before = await prisma.alert.count()
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => issueAlertDraft({ prisma, actor: i % 2 ? operator2 : operator, id, confirmation: 'Lielupes krasts' })),
    )
    expect(new Set(results.map((r) => r.alertId)).size).toBe(1)
    expect(results.filter((r) => r.created)).toHaveLength(1)
    expect(await prisma.alert.count()).toBe(before + 1)
    const again = await issueAlertDraft({ prisma, actor: operator, id, confirmation: 'Lielupes krasts' })
    expect(again).toEqual({ alertId: results[0].alertId, created: false })
    const draft = await getAlertDraft({ prisma, actor: operator, id })
    expect(draft).toMatchObject({ state: 'ISSUED', alertId: results[0].alertId })
    expect(await prisma.auditLog.count({ where: { action: 'alert.issued', entityId: results[0].alertId } })).toBe(1)
    // an issued draft is not edited any more
    expect((await refusal(saveAlertDraft({ prisma, actor: operator, id, values: await templateValues(operator) }))).code).toBe('CONFLICT')
  })

  it('with approval required, a second staff member approves before it is issued', async () => {
    await updateAlertSettings({ prisma, actor: admin, input: { requireApproval: 'true' } })
    const { id } = await saveAlertDraft({ prisma, actor: operator, values: await templateValues(operator) })
    expect((await getAlertDraft({ prisma, actor: operator, id })).approval).toBe('needed')
    const direct = await refusal(issueAlertDraft({ prisma, actor: operator, id, confirmation: 'Lielupes krasts' }))
    expect(direct.fields).toEqual({ form: 'alerts:errors.approvalRequired' })

    await submitAlertDraft({ prisma, actor: operator, id })
    expect((await getAlertDraft({ prisma, actor: operator, id })).approval).toBe('awaiting')
    // not by the one who submitted, not without the permission
    expect((await refusal(approveAlertDraft({ prisma, actor: operator, id }))).code).toBe('FORBIDDEN')
    expect((await refusal(approveAlertDraft({ prisma, actor: operator2, id }))).code).toBe('FORBIDDEN')
    expect((await refusal(issueAlertDraft({ prisma, actor: operator, id, confirmation: 'Lielupes krasts' }))).fields).toEqual({
      form: 'alerts:errors.approvalRequired',
    })

    await approveAlertDraft({ prisma, actor: member, id })
    const approved = await getAlertDraft({ prisma, actor: operator, id })
    expect(approved).toMatchObject({ approval: 'approved', decidedById: member.id, decidedByName: 'Kārlis Komisija' })
    // the approver does not issue what they approved themselves
    expect((await refusal(issueAlertDraft({ prisma, actor: member, id, confirmation: 'Lielupes krasts' }))).code).toBe('FORBIDDEN')
    const issued = await issueAlertDraft({ prisma, actor: operator, id, confirmation: 'Lielupes krasts' })
    const alert = await prisma.alert.findUniqueOrThrow({ where: { id: issued.alertId } })
    expect(alert.approvedById).toBe(member.id)
    expect(alert.createdById).toBe(operator.id)
    const actions = (await prisma.auditLog.findMany({ where: { entityId: id }, orderBy: { seq: 'asc' } })).map((a) => a.action)
    expect(actions).toEqual(['alert.draft.created', 'alert.draft.submitted', 'alert.draft.approved'])

    // exercises need no approval
    const exercise = await saveAlertDraft({ prisma, actor: operator, values: await templateValues(operator, 'flood', { status: 'Exercise' }) })
    expect((await getAlertDraft({ prisma, actor: operator, id: exercise.id })).approval).toBe('not-needed')
    expect((await refusal(submitAlertDraft({ prisma, actor: operator, id: exercise.id }))).fields).toEqual({ form: 'errors:alert.approvalNotNeeded' })
  })

  it('a rejection carries its reason; editing takes the draft back, an edit after approval needs a new approval', async () => {
    await updateAlertSettings({ prisma, actor: admin, input: { requireApproval: 'true' } })
    const { id } = await saveAlertDraft({ prisma, actor: operator, values: await templateValues(operator) })
    await submitAlertDraft({ prisma, actor: operator, id })
    expect((await refusal(rejectAlertDraft({ prisma, actor: member, id, reason: '  ' }))).fields).toEqual({ reason: 'errors:alert.rejectReasonRequired' })
    await rejectAlertDraft({ prisma, actor: member, id, reason: 'Nepareiza teritorija' })
    const rejected = await getAlertDraft({ prisma, actor: operator, id })
    expect(rejected).toMatchObject({ state: 'REJECTED', approval: 'rejected', rejectReason: 'Nepareiza teritorija' })
    expect((await refusal(approveAlertDraft({ prisma, actor: member, id }))).code).toBe('CONFLICT')

    await saveAlertDraft({ prisma, actor: operator, id, values: await templateValues(operator, 'flood', { areaLabel: 'Lielupes kreisais krasts' }) })
    await submitAlertDraft({ prisma, actor: operator, id })
    await approveAlertDraft({ prisma, actor: member, id })
    await saveAlertDraft({ prisma, actor: operator, id, values: await templateValues(operator, 'flood', { areaLabel: 'Viss krasts' }) })
    const edited = await getAlertDraft({ prisma, actor: operator, id })
    expect(edited).toMatchObject({ state: 'DRAFT', approval: 'needed', decidedById: null })
  })

  it('the preview counts recipients in the area and shows each language as the phone will', async () => {
    await subscribe([23.717, 56.651], ['lv'])
    await subscribe([23.717, 56.6515], ['ru'])
    await subscribe([23.9, 56.7], ['en']) // elsewhere
    const { territory: full } = await loadComposerContext({ prisma })
    const composed = composeAlert({
      values: await templateValues(operator, 'flood', { status: 'Exercise' }),
      namedAreas: [],
      identity: draftIdentity(full, new Date()),
      boundary: full.boundary,
    })
    const preview = await previewAlert({ prisma, alert: composed.alert, channels: ['webpush'], territoryId: territory.id })
    expect(preview.channels).toHaveLength(1)
    expect(preview.channels[0]).toMatchObject({ channel: 'webpush', recipients: 2 })
    const byLanguage = Object.fromEntries(preview.channels[0].messages.map((m) => [m.language, m]))
    expect(Object.keys(byLanguage)).toEqual(['lv', 'en', 'ru'])
    expect(byLanguage.lv.title).toBe('MĀCĪBAS: Plūdu draudi: Jelgava')
    expect(byLanguage.en.title).toBe('EXERCISE: Flood risk: Jelgava')
    expect(byLanguage.ru.title).toBe('УЧЕНИЯ: Угроза наводнения: Jelgava')
    expect(byLanguage.lv.body).toContain('Pārvietojiet dokumentus')
    expect(byLanguage.lv.bytes).toBeLessThan(4096)
  })

  it('an Update starts from the alert it refers to and supersedes it', async () => {
    const { id } = await saveAlertDraft({ prisma, actor: operator, values: await templateValues(operator) })
    const original = await issueAlertDraft({ prisma, actor: operator, id, confirmation: 'Lielupes krasts' })
    const candidates = await listReferenceableAlerts({ prisma, territoryId: territory.id, language: 'en' })
    expect(candidates.map((c) => c.id)).toContain(original.alertId)
    const prefill = await prefillComposer({ prisma, actor: operator, territory, templateId: 'all-clear', referencesAlertId: original.alertId })
    expect(prefill.values.msgType).toBe('Update')
    expect(prefill.values.references).toHaveLength(1)
    expect(prefill.values.areaLabel).toBe('Lielupes krasts')
    const update = await saveAlertDraft({ prisma, actor: operator, values: prefill.values as Record<string, unknown> })
    // a second later: CAP references only an earlier alert (sent is whole seconds)
    const issued = await issueAlertDraft({ prisma, actor: operator, id: update.id, confirmation: 'Lielupes krasts', now: new Date(Date.now() + 2000) })
    const superseded = await prisma.alert.findUniqueOrThrow({ where: { id: original.alertId } })
    expect(superseded.supersededById).toBe(issued.alertId)
    expect((await listReferenceableAlerts({ prisma, territoryId: territory.id, language: 'en' })).map((c) => c.id)).not.toContain(original.alertId)
    // an Update without a reference is refused at the references field
    const bare = await refusal(saveAlertDraft({ prisma, actor: operator, values: { ...(await templateValues(operator)), msgType: 'Update' } }))
    expect(bare.fields).toEqual({ references: 'alerts:errors.referencesRequired' })
  })

  it('only an administrator changes the approval setting, audited', async () => {
    expect((await refusal(updateAlertSettings({ prisma, actor: operator, input: { requireApproval: 'true' } }))).code).toBe('FORBIDDEN')
    expect(await getAlertSettings({ prisma })).toEqual({ requireApproval: false })
    await updateAlertSettings({ prisma, actor: admin, input: { requireApproval: 'on' } })
    expect(await getAlertSettings({ prisma })).toEqual({ requireApproval: true })
    await updateAlertSettings({ prisma, actor: admin, input: {} })
    expect(await getAlertSettings({ prisma })).toEqual({ requireApproval: false })
    const rows = await prisma.auditLog.findMany({ where: { action: 'settings.updated', actorId: admin.id }, orderBy: { seq: 'desc' }, take: 2 })
    expect(rows.map((r) => r.data)).toEqual([
      { key: REQUIRE_APPROVAL_SETTING, from: true, to: false },
      { key: REQUIRE_APPROVAL_SETTING, from: false, to: true },
    ])
  })

  it('channels are chosen per alert: web push and SMS by default, at least one, known names only', async () => {
    const prefill = await prefillComposer({ prisma, actor: operator, territory, templateId: 'flood' })
    expect(prefill.values.channels).toEqual(['webpush', 'sms'])
    const { id } = await saveAlertDraft({ prisma, actor: operator, values: await templateValues(operator), channels: ['sms'] })
    expect((await getAlertDraft({ prisma, actor: operator, id })).channels).toEqual(['sms'])
    // the edit form ticks them again
    expect(composerValuesOf((await getAlertDraft({ prisma, actor: operator, id })).payload, ['sms']).channels).toEqual(['sms'])

    const drafts = await prisma.alertDraft.count()
    const none = await refusal(saveAlertDraft({ prisma, actor: operator, values: await templateValues(operator, 'flood', { 'lv.headline': '' }), channels: [] }))
    // named together with the other wrong fields
    expect(none.fields).toEqual({ channels: 'alerts:errors.channelRequired', 'lv.headline': 'alerts:errors.required' })
    const unknown = await refusal(saveAlertDraft({ prisma, actor: operator, values: await templateValues(operator), channels: ['webpush', 'carrier-pigeon'] }))
    expect(unknown.fields).toEqual({ channels: 'alerts:errors.channelUnknown' })
    const edited = await refusal(saveAlertDraft({ prisma, actor: operator, id, values: await templateValues(operator), channels: 'fax' }))
    expect(edited.fields).toEqual({ channels: 'alerts:errors.channelUnknown' })
    expect(await prisma.alertDraft.count()).toBe(drafts)
    expect((await getAlertDraft({ prisma, actor: operator, id })).channels).toEqual(['sms'])

    // a caller that is not the form: a new draft gets the default, an edited one keeps its channels
    const plain = await saveAlertDraft({ prisma, actor: operator, values: await templateValues(operator) })
    expect((await getAlertDraft({ prisma, actor: operator, id: plain.id })).channels).toEqual(['webpush', 'sms'])
    await saveAlertDraft({ prisma, actor: operator, id, values: await templateValues(operator, 'flood', { areaLabel: 'Lielupe' }) })
    expect((await getAlertDraft({ prisma, actor: operator, id })).channels).toEqual(['sms'])
    await saveAlertDraft({ prisma, actor: operator, id, values: await templateValues(operator), channels: ['webpush', 'sms'] })
    expect((await getAlertDraft({ prisma, actor: operator, id })).channels).toEqual(['webpush', 'sms'])
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { entityId: id, action: 'alert.draft.updated' }, orderBy: { seq: 'desc' } })
    expect(audit.data).toMatchObject({ channels: ['webpush', 'sms'] })

    // a stored draft naming a channel the composer does not offer is refused at its preview
    const draft = await getAlertDraft({ prisma, actor: operator, id })
    const { territory: full } = await loadComposerContext({ prisma })
    const check = (channels: unknown) => validateDraftPayload({ payload: draft.payload, identity: draftIdentity(full, new Date()), boundary: full.boundary, channels })
    expect(check(['webpush', 'sms']).errors).toBeNull()
    expect(check(['telex'])).toEqual({ alert: null, errors: { channels: 'alerts:errors.channelUnknown' } })
    expect(check([])).toEqual({ alert: null, errors: { channels: 'alerts:errors.channelRequired' } })
  })

  it("the operator's SMS text is the SARGS_SMS parameter of its language's info block, through to the issued CAP", async () => {
    const shortLv = 'Plūdi Lielupes krastā. Dokumentus un vērtslietas pārvietojiet augstāk.'
    const values = await templateValues(operator, 'flood', { 'lv.sms': `  ${shortLv} `, 'en.sms': '' })
    const { id } = await saveAlertDraft({ prisma, actor: operator, values, channels: ['webpush', 'sms'] })
    const draft = await getAlertDraft({ prisma, actor: operator, id })
    expect(draft.payload.info[0].parameter).toEqual([{ valueName: 'SARGS_SMS', value: shortLv }])
    expect(draft.payload.info[1].parameter).toEqual([])
    expect(composerValuesOf(draft.payload)['lv.sms']).toBe(shortLv)
    expect(composerValuesOf(draft.payload)['en.sms']).toBeUndefined()

    // longer than a CAP parameter may be; an SMS text for a language that has no texts
    const long = await refusal(saveAlertDraft({ prisma, actor: operator, values: { ...values, 'ru.sms': 'Ж'.repeat(256) } }))
    expect(long.fields).toEqual({ 'ru.sms': 'alerts:errors.tooLong' })
    const latvianOnly = Object.fromEntries(Object.entries(values).filter(([k]) => !k.startsWith('en.') && !k.startsWith('ru.')))
    const orphan = await refusal(saveAlertDraft({ prisma, actor: operator, values: { ...latvianOnly, 'en.sms': 'Flood.' } }))
    expect(orphan.fields).toEqual({ 'en.sms': 'alerts:errors.smsWithoutTexts' })

    const issued = await issueAlertDraft({ prisma, actor: operator, id, confirmation: 'Lielupes krasts' })
    const alert = await prisma.alert.findUniqueOrThrow({ where: { id: issued.alertId } })
    expect(alert.channels).toEqual(['webpush', 'sms'])
    // still CAP 1.2 by the OASIS schema
    expect(await capSchemaErrors([toXml(alert.payload as unknown as CapAlert)])).toEqual([[]])
    const info = (alert.payload as { info: { language: string; parameter: unknown[] }[] }).info
    expect(info.map((i) => [i.language, i.parameter])).toEqual([
      ['lv-LV', [{ valueName: 'SARGS_SMS', value: shortLv }]],
      ['en-GB', []],
      ['ru-RU', []],
    ])

    // an Update starts from the original's channels, without its SMS texts (they said what it said)
    const update = await prefillComposer({ prisma, actor: operator, territory, referencesAlertId: issued.alertId })
    expect(update.values.channels).toEqual(['webpush', 'sms'])
    expect(update.values['lv.headline']).toBeTruthy()
    expect(update.values['lv.sms']).toBeUndefined()
  })

  it('the preview shows per language the exact SMS, its encoding, parts and characters left, and which channels this server cannot send on yet', async () => {
    await subscribe([23.717, 56.651], ['lv'])
    const { territory: full } = await loadComposerContext({ prisma })
    const shortLv = 'Plūdi Lielupes krastā. Pārvietojiet dokumentus augstāk.'
    const composed = composeAlert({
      values: await templateValues(operator, 'flood', { status: 'Exercise', 'lv.sms': shortLv, 'ru.instruction': 'Переместите документы и ценности выше. '.repeat(5) }),
      namedAreas: [],
      identity: draftIdentity(full, new Date()),
      boundary: full.boundary,
    })
    const preview = await previewAlert({ prisma, alert: composed.alert, channels: ['webpush', 'sms'], territoryId: territory.id })
    const [push, sms] = preview.channels
    expect(push).toMatchObject({ channel: 'webpush', configured: true, sms: [] })
    expect(push.recipients).toBeGreaterThanOrEqual(1)
    expect(push.messages.map((m) => m.language)).toEqual(['lv', 'en', 'ru'])
    // until the dispatcher says otherwise, SMS is not configured here (issuing still allowed)
    expect(sms).toMatchObject({ channel: 'sms', configured: false, messages: [] })
    expect(typeof sms.recipients).toBe('number')
    const byLanguage = Object.fromEntries(sms.sms.map((m) => [m.language, m]))
    expect(Object.keys(byLanguage)).toEqual(['lv', 'en', 'ru'])
    expect(byLanguage.lv).toMatchObject({
      custom: true,
      text: `MĀCĪBAS: ${shortLv}`,
      encoding: 'UCS-2',
      parts: 1,
      charactersLeftInLastPart: 70 - `MĀCĪBAS: ${shortLv}`.length,
      nonGsmCharacters: ['Ā', 'Ī', 'ū', 'ā'],
      tooManyParts: false,
    })
    const enInfo = composed.alert.info[1]
    expect(byLanguage.en).toMatchObject({ custom: false, text: `EXERCISE: ${enInfo.headline}\n${enInfo.instruction}`, encoding: 'GSM-7' })
    expect(byLanguage.ru).toMatchObject({ custom: false, encoding: 'UCS-2', tooManyParts: true })
    expect(byLanguage.ru.parts).toBeGreaterThan(3)

    const configured = await previewAlert({ prisma, alert: composed.alert, channels: ['sms'], territoryId: territory.id, configuredChannels: ['webpush', 'sms'] })
    expect(configured.channels.map((c) => [c.channel, c.configured])).toEqual([['sms', true]])

    // with the public URL the default text links to the alert's page, counted at the issued length
    const linked = await previewAlert({ prisma, alert: composed.alert, channels: ['sms'], territoryId: territory.id, publicBaseUrl: 'https://sargs.jelgava.example' })
    const en = linked.channels[0].sms[1]
    expect(en.text).toMatch(/\nhttps:\/\/sargs\.jelgava\.example\/alerts\/sargs%3A[\w-]+%3A\d{8}T\d{6}%3A0{8}$/)
    const { identifier } = await newAlertIdentity({ prisma, territoryId: territory.id })
    expect(en.text.length).toBe(byLanguage.en.text.length + '\nhttps://sargs.jelgava.example/alerts/'.length + encodeURIComponent(identifier).length)
    // the operator's own text carries no link
    expect(linked.channels[0].sms[0].text).toBe(`MĀCĪBAS: ${shortLv}`)
  })
})
