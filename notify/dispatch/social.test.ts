// The 'social' channel in the engine: every enabled account of the territory gets each Actual
// public alert, in its language, fitted to its network, with the link to the public alert page;
// a Cancel replies to the post the original made on the same account; a restricted alert is never
// posted; credentials are sealed in the database and opened for the send only — against the fake
// Mastodon instance and Telegram Bot API, on PGlite and PostgreSQL.
import crypto from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { systemActor } from '#domain/auth/actor.ts'
import { addSocialAccount, listSocialAccounts, setSocialAccountEnabled } from '#domain/social/social-accounts.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { SocialAccountsAdapter } from '#notify/channels/social/social-accounts-adapter.ts'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { startFakeMastodon, type FakeMastodon } from '#tests/fakes/social/mastodon.ts'
import { startFakeTelegram, type FakeTelegram } from '#tests/fakes/social/telegram.ts'
import { Dispatcher, type ChannelRoute } from './dispatcher.ts'
import { ExerciseSink } from './exercise-sink.ts'
import { composeAlert, demoTerritory, issue, type Territory } from './fixtures/engine-support.ts'
import { socialRoute } from './social-route.ts'

const BASE = 'https://sargs.jelgava.example'

describeEachBackend('social channel', (backend) => {
  const db = useTestDatabase(backend, 'reset')
  const key = crypto.randomBytes(32)
  let mastodon: FakeMastodon
  let telegram: FakeTelegram
  let territory: Territory

  beforeAll(async () => {
    mastodon = await startFakeMastodon({ accessToken: 'masto-token-0123456789' })
    telegram = await startFakeTelegram({ botToken: '123456:telegram-bot-token', channels: [{ id: -1001, username: 'jelgava_cp' }] })
  })
  afterAll(async () => {
    await mastodon.close()
    await telegram.close()
  })

  async function setup(): Promise<PrismaClient> {
    mastodon.statuses.length = 0
    telegram.messages.length = 0
    const prisma = db().prisma
    territory = await demoTerritory(prisma)
    await addSocialAccount({ prisma, actor: systemActor, secretsKey: key, input: { network: 'mastodon', name: 'Jelgava Mastodon', language: 'lv', instanceUrl: mastodon.origin, accessToken: 'masto-token-0123456789' } })
    await addSocialAccount({ prisma, actor: systemActor, secretsKey: key, input: { network: 'telegram', name: 'Jelgava Telegram RU', language: 'ru', chatId: '@jelgava_cp', apiUrl: telegram.origin, botToken: '123456:telegram-bot-token' } })
    return prisma
  }

  const dispatcher = (sink = new ExerciseSink()) =>
    new Dispatcher({
      prisma: db().prisma,
      routes: [socialRoute({ adapter: new SocialAccountsAdapter(), secretsKey: key, baseUrl: BASE }) as ChannelRoute<unknown>],
      exerciseSink: sink,
      supersessionCheckMs: 0,
      retry: { maxAttempts: 2, backoff: { baseMs: 10, capMs: 20 } },
    })

  it('posts an alert to every account in its language with the link; a Cancel replies to that post', async () => {
    const prisma = await setup()
    // credentials are sealed: the database holds no token in clear, the list shows a hint only
    const rows = await prisma.socialAccount.findMany()
    for (const r of rows) expect(Buffer.from(r.secret).toString('latin1')).not.toContain('masto-token')
    expect((await listSocialAccounts({ prisma, actor: systemActor })).map((a) => a.secretHint).sort()).toEqual(['…6789', '…oken'])

    const original = await composeAlert(prisma, territory, { headline: 'Plūdi Pasta salā' })
    const originalId = await issue(prisma, original, ['social'])
    await dispatcher().drain({ timeoutMs: 30_000, idleMs: 50 })
    expect(mastodon.statuses).toHaveLength(1)
    expect(mastodon.statuses[0].text).toContain('Plūdi Pasta salā')
    expect(mastodon.statuses[0].text).toContain(`${BASE}/alerts/${encodeURIComponent(original.identifier)}?lng=lv`)
    expect(telegram.messages).toHaveLength(1)
    // the Russian account: no Russian text in the alert → lv → en fallback gives Latvian first
    expect(telegram.messages[0].text).toContain('?lng=ru')
    const sent = await prisma.delivery.findMany({ where: { alertId: originalId } })
    expect(sent.map((d) => d.status)).toEqual(['SENT', 'SENT'])

    const cancel = await composeAlert(prisma, territory, { msgType: 'Cancel', references: [original], headline: 'Atcelts: plūdu brīdinājums' })
    await issue(prisma, cancel, ['social'])
    await dispatcher().drain({ timeoutMs: 30_000, idleMs: 50 })
    expect(mastodon.statuses).toHaveLength(2)
    expect(mastodon.statuses[1].inReplyToId).toBe(mastodon.statuses[0].id)
    expect(telegram.messages).toHaveLength(2)
    expect(telegram.messages[1].replyToMessageId).toBe(telegram.messages[0].messageId)
  })

  it('never posts a restricted alert; a disabled account gets nothing; an exercise goes to the sink', async () => {
    const prisma = await setup()
    const restricted = { ...(await composeAlert(prisma, territory)), scope: 'Restricted' as const, restriction: 'komisijai' }
    await issue(prisma, restricted, ['social'])
    const [masto] = await listSocialAccounts({ prisma, actor: systemActor })
    await setSocialAccountEnabled({ prisma, actor: systemActor, id: masto.id, enabled: false })
    await issue(prisma, await composeAlert(prisma, territory), ['social'])
    const sink = new ExerciseSink()
    await issue(prisma, { ...(await composeAlert(prisma, territory)), status: 'Exercise' as const }, ['social'])
    await dispatcher(sink).drain({ timeoutMs: 30_000, idleMs: 50 })
    expect(mastodon.statuses).toEqual([])
    // the public alert reached the enabled Telegram account; the exercise reached the sink only
    expect(telegram.messages).toHaveLength(1)
    expect(sink.records).toHaveLength(1)
    expect((sink.records[0].message as { post: { text: string } }).post.text).toMatch(/^УЧЕНИЯ|^MĀCĪBAS/)
  })

  it('refuses an account without the fields its network needs, naming them', async () => {
    const prisma = await setup()
    await expect(addSocialAccount({ prisma, actor: systemActor, secretsKey: key, input: { network: 'x', name: 'X', consumerKey: 'k' } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      fields: { consumerSecret: 'admin:errors.required', accessToken: 'admin:errors.required', accessTokenSecret: 'admin:errors.required' },
    })
    await expect(addSocialAccount({ prisma, actor: systemActor, secretsKey: key, input: { network: 'myspace', name: '' } })).rejects.toMatchObject({ fields: { network: 'admin:errors.invalid', name: 'admin:errors.required' } })
  })
})
