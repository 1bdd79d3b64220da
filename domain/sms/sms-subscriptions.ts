// A resident's SMS subscription, in three steps and without an account:
//   1. requestSmsSubscription: the number (E.164, never in a URL or a log), places, languages and
//      the lowest severity are checked field by field; a six-digit code goes to the number by SMS.
//      Rate-limited per number and per client address. Nothing is subscribed yet.
//   2. confirmSmsSubscription: the code (five tries, ten minutes, once) creates or updates the
//      subscription and answers the unsubscribe token, which the confirmation SMS carries as a
//      link (/sms/stop/<token>: the link names no number; only its SHA-256 is stored).
//   3. stopSmsSubscription: by that token, or by a STOP reply from the number (the gateway's
//      inbound webhook or the SMSC). Pending deliveries to it are cancelled in the same transaction.
// Every step is audited with a pseudonym (the subscription id), never the number.
import crypto from 'node:crypto'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import { systemActor } from '#domain/auth/actor.ts'
import { enforceRateLimits, type RateLimitRule } from '#domain/auth/rate-limit.ts'
import { AppError } from '#domain/errors.ts'
import { checkLanguages, checkPlaces, checkSeverity } from '#domain/subscriptions/validate-subscription.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { ChannelAdapter } from '#notify/channels/contract.ts'
import { normalizeE164 } from '#notify/channels/sms/e164.ts'
import type { SmsMessage } from '#notify/channels/sms/http-gateway.ts'
import { recordSmsNoticeParts } from '#notify/ledger/apply-sms-receipt.ts'
import { CANCEL_PENDING_SQL, PENDING_SQL } from '#notify/ledger/pending.ts'

export const smsSubscriptionLimits = {
  codeTtlMs: 10 * 60_000,
  maxCodeAttempts: 5,
  /** codes sent to one number */
  perNumber: { limit: 3, windowSeconds: 3600 },
  /** codes asked for from one client address */
  perAddress: { limit: 10, windowSeconds: 3600 },
} as const

/** Message keys (namespace public) for the SMS subscription fields. */
export const smsErrors = {
  phoneInvalid: 'public:errors.phoneInvalid',
  phoneNotMobile: 'public:errors.phoneNotMobile',
  codeInvalid: 'public:errors.codeInvalid',
  codeExpired: 'public:errors.codeExpired',
  smsUnavailable: 'public:errors.smsUnavailable',
  subscriptionNotFound: 'public:errors.subscriptionNotFound',
} as const

/** The texts of the two SMS a resident gets, per language (lv first). */
const texts = {
  code: { lv: 'Sargs: jūsu apstiprinājuma kods ir {code}', en: 'Sargs: your confirmation code is {code}', ru: 'Sargs: ваш код подтверждения {code}' },
  confirmed: {
    lv: 'Sargs: brīdinājumi par jūsu vietām nāks šajā numurā. Atteikties: {link} vai atbildiet STOP',
    en: 'Sargs: alerts for your places will come to this number. Unsubscribe: {link} or reply STOP',
    ru: 'Sargs: оповещения для ваших мест будут приходить на этот номер. Отписаться: {link} или ответьте STOP',
  },
} as const

type Lang = 'lv' | 'en' | 'ru'
const fill = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '')
const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('hex')
const codeHash = (id: string, code: string) => sha256(`${id}:${code}`)

export type RequestSmsSubscriptionOptions = {
  prisma: PrismaClient
  input: unknown
  clientIp: string
  /** sends the code now (the 'sms' provider chain); absent: SMS is not configured here */
  sender: ChannelAdapter<SmsMessage> | undefined
}

/** Step 1: check the choices, send a code. Answers the verification id the code belongs to. */
export async function requestSmsSubscription(options: RequestSmsSubscriptionOptions): Promise<{ verificationId: string; expiresAt: Date }> {
  const { prisma } = options
  if (!options.sender) throw new AppError('UNAVAILABLE', 'SMS is not configured on this server', { fields: { phone: smsErrors.smsUnavailable } })
  const territory = await getDefaultTerritory({ prisma })
  if (!territory) throw new AppError('UNAVAILABLE', 'no territory is configured yet')
  const input = (typeof options.input === 'object' && options.input !== null ? options.input : {}) as Record<string, unknown>
  const errors: Record<string, string> = {}
  const phone = typeof input.phone === 'string' ? normalizeE164(input.phone) : undefined
  if (!phone || !phone.ok) errors.phone = phone && !phone.ok && phone.error === 'not-mobile' ? smsErrors.phoneNotMobile : smsErrors.phoneInvalid
  const places = checkPlaces(input.places, territory.boundary, errors)
  const languages = checkLanguages(input.languages, errors)
  const minSeverity = checkSeverity(input.minSeverity, errors)
  if (Object.keys(errors).length > 0 || !phone?.ok || !places || !languages || !minSeverity) {
    throw new AppError('INVALID_INPUT', `invalid SMS subscription: ${Object.keys(errors).join(', ')}`, { fields: errors })
  }
  const number = phone.number
  const rules: RateLimitRule[] = [
    { key: `sms-code:number:${sha256(number)}`, ...smsSubscriptionLimits.perNumber },
    { key: `sms-code:ip:${options.clientIp || 'unknown'}`, ...smsSubscriptionLimits.perAddress },
  ]
  await enforceRateLimits(prisma, rules)
  const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0')
  const id = crypto.randomUUID()
  const expiresAt = new Date(Date.now() + smsSubscriptionLimits.codeTtlMs)
  await prisma.smsVerification.create({
    data: { id, phone: number, codeHash: codeHash(id, code), choices: { places, languages, minSeverity }, expiresAt },
  })
  const lang = (languages[0] ?? 'lv') as Lang
  const result = await options.sender.send({ to: number, text: fill(texts.code[lang], { code }) }, { idempotencyKey: `sms-code:${id}`, timeoutMs: 10_000 })
  // its receipt is acknowledged, not refused as unknown (a failure here only costs receipts offered again)
  if (result.kind === 'sent') await recordSmsNoticeParts(prisma, result.providerMessageId).catch(() => undefined)
  if (result.kind !== 'sent') {
    await prisma.smsVerification.delete({ where: { id } })
    throw new AppError(result.kind === 'permanent' && result.deadAddress ? 'INVALID_INPUT' : 'UNAVAILABLE', `the code could not be sent: ${result.reason}`, {
      fields: { phone: result.kind === 'permanent' && result.deadAddress ? smsErrors.phoneInvalid : smsErrors.smsUnavailable },
    })
  }
  return { verificationId: id, expiresAt }
}

export type ConfirmSmsSubscriptionOptions = {
  prisma: PrismaClient
  verificationId: unknown
  code: unknown
  sender: ChannelAdapter<SmsMessage> | undefined
  /** PUBLIC_URL (or the request's origin): the unsubscribe link in the confirmation SMS */
  baseUrl: string
}

/** Step 2: the code creates (or updates) the subscription. Answers the unsubscribe token once. */
export async function confirmSmsSubscription(options: ConfirmSmsSubscriptionOptions): Promise<{ subscriptionId: string; created: boolean; stopToken: string }> {
  const { prisma } = options
  const id = typeof options.verificationId === 'string' && /^[0-9a-f-]{36}$/.test(options.verificationId) ? options.verificationId : undefined
  const code = typeof options.code === 'string' ? options.code.replace(/\s/g, '') : ''
  if (!id) throw new AppError('NOT_FOUND', 'no such verification', { fields: { code: smsErrors.codeExpired } })
  if (!/^\d{6}$/.test(code)) throw new AppError('INVALID_INPUT', 'the code is six digits', { fields: { code: smsErrors.codeInvalid } })
  const stopToken = crypto.randomBytes(24).toString('base64url')
  const outcome = await prisma.$transaction(async (tx) => {
    // one try counted per attempt, also when concurrent (the row is locked)
    const rows = await tx.$queryRawUnsafe<{ phone: string; codeHash: string; choices: { places: unknown; languages: string[]; minSeverity: string }; attempts: number; live: boolean }[]>(
      `UPDATE "SmsVerification" SET "attempts" = "attempts" + 1
        WHERE "id" = $1 AND "usedAt" IS NULL
        RETURNING "phone", "codeHash", "choices", "attempts", ("expiresAt" > now() AND "attempts" <= $2) AS "live"`,
      id,
      smsSubscriptionLimits.maxCodeAttempts,
    )
    const row = rows[0]
    if (!row || !row.live) return { kind: 'expired' as const }
    const expected = Buffer.from(row.codeHash, 'hex')
    const given = Buffer.from(codeHash(id, code), 'hex')
    if (!crypto.timingSafeEqual(expected, given)) return { kind: 'wrong' as const }
    await tx.smsVerification.update({ where: { id }, data: { usedAt: new Date() } })
    const { places, languages, minSeverity } = row.choices
    const saved = await tx.$queryRawUnsafe<{ id: string; created: boolean }[]>(
      `INSERT INTO "SmsSubscription" ("id", "phone", "languages", "minSeverity", "places", "stopTokenHash", "verifiedAt", "createdAt")
       VALUES (gen_random_uuid()::text, $1, $2::text[], $3::"AlertSeverity", $4::jsonb, $5, now(), now())
       ON CONFLICT ("phone") DO UPDATE SET "languages" = EXCLUDED."languages", "minSeverity" = EXCLUDED."minSeverity",
         "places" = EXCLUDED."places", "stopTokenHash" = EXCLUDED."stopTokenHash", "verifiedAt" = now()
       RETURNING "id", (xmax = 0) AS "created"`,
      row.phone,
      languages,
      minSeverity,
      JSON.stringify(places),
      sha256(stopToken),
    )
    await recordAudit(tx, { ...actorFields(systemActor), action: saved[0].created ? 'sms.subscribed' : 'sms.resubscribed', entityType: 'SmsSubscription', entityId: saved[0].id, data: { languages, minSeverity, places: (places as unknown[]).length } })
    return { kind: 'ok' as const, id: saved[0].id, created: saved[0].created, phone: row.phone, language: (languages[0] ?? 'lv') as Lang }
  })
  if (outcome.kind === 'expired') throw new AppError('NOT_FOUND', 'the code has expired or was used', { fields: { code: smsErrors.codeExpired } })
  if (outcome.kind === 'wrong') throw new AppError('INVALID_INPUT', 'wrong code', { fields: { code: smsErrors.codeInvalid } })
  // the confirmation with the unsubscribe link; the subscription stands even if it does not go out
  const link = `${options.baseUrl.replace(/\/+$/, '')}/sms/stop/${stopToken}`
  const confirmation = await options.sender
    ?.send({ to: outcome.phone, text: fill(texts.confirmed[outcome.language], { link }) }, { idempotencyKey: `sms-confirm:${id}`, timeoutMs: 10_000 })
    .catch(() => undefined)
  if (confirmation?.kind === 'sent') await recordSmsNoticeParts(prisma, confirmation.providerMessageId).catch(() => undefined)
  return { subscriptionId: outcome.id, created: outcome.created, stopToken }
}

/** Step 3: unsubscribe by the link's token, or by a STOP reply from the number itself. */
export async function stopSmsSubscription(options: { prisma: PrismaClient; token?: unknown; fromNumber?: string }): Promise<{ removed: boolean }> {
  const { prisma } = options
  let where: { sql: string; value: string }
  if (typeof options.token === 'string' && /^[A-Za-z0-9_-]{20,64}$/.test(options.token)) where = { sql: `"stopTokenHash" = $1`, value: sha256(options.token) }
  else if (options.fromNumber) {
    const number = normalizeE164(options.fromNumber)
    if (!number.ok) return { removed: false }
    where = { sql: `"phone" = $1`, value: number.number }
  } else throw new AppError('NOT_FOUND', 'no such subscription', { fields: { token: smsErrors.subscriptionNotFound } })
  const removed = await prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRawUnsafe<{ id: string }[]>(`DELETE FROM "SmsSubscription" WHERE ${where.sql} RETURNING "id"`, where.value)
    if (rows.length === 0) return false
    await tx.$executeRawUnsafe(
      `UPDATE "Delivery" SET ${CANCEL_PENDING_SQL}, "lastError" = 'unsubscribed', "updatedAt" = now()
        WHERE "channel" = 'sms' AND "recipientKey" = $1 AND ${PENDING_SQL}`,
      rows[0].id,
    )
    await recordAudit(tx, { ...actorFields(systemActor), action: 'sms.unsubscribed', entityType: 'SmsSubscription', entityId: rows[0].id, data: { by: options.fromNumber ? 'reply' : 'link' } })
    return true
  })
  return { removed }
}

/** Whether a resident's reply means "stop" (STOP, STOPP, ATTEIKT, СТОП … in any case). */
export function isStopReply(text: string): boolean {
  return /^\s*(stop|stopp|atteikt|atteikties|стоп|отписаться)\s*[.!]?\s*$/i.test(text)
}
