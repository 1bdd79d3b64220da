// What the phones request from Sargs (no session: the signed token is the proof, decision 021):
//   servePhonePage  GET /phone/page/<token>  → the CiscoIPPhoneText of that delivery (the page a
//                   CiscoIPPhoneExecute pointed the phone at), rendered exactly as the route did
//   acknowledgePhonePage  GET|POST /phone/ack/<token> → the delivery's receiptStatus 'acknowledged'
//                   and receiptAt, the phone's lastAckAt, an audit row by the system; a second
//                   press changes nothing. The answer is a CiscoIPPhoneText the phone shows.
import { recordAudit } from '#domain/audit/record-audit.ts'
import { systemActor } from '#domain/auth/actor.ts'
import { actorFields } from '#domain/audit/actor-fields.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import { CISCO_XML_CONTENT_TYPE, ciscoTextXml } from '#notify/channels/phones/cisco.ts'
import type { PhoneVendor } from '#notify/channels/phones/phone-page.ts'
import { composePhonePage, PHONE_CHANNEL } from '#notify/dispatch/phone-route.ts'
import { parseAckToken, parsePageToken, phoneTokenKey } from './phone-tokens.ts'

export type PhoneAnswer = { status: number; contentType: string; body: string }

const ACKNOWLEDGED: Record<string, { title: string; text: string }> = {
  lv: { title: 'Sargs', text: 'Apstiprināts. Paldies.' },
  en: { title: 'Sargs', text: 'Acknowledged. Thank you.' },
  ru: { title: 'Sargs', text: 'Подтверждено. Спасибо.' },
}

const notFound: PhoneAnswer = { status: 404, contentType: 'text/plain; charset=utf-8', body: 'Not found' }

export async function servePhonePage(options: { prisma: PrismaClient; secretsKey: Buffer | undefined; baseUrl?: string; token: string; nowMs?: number }): Promise<PhoneAnswer> {
  if (!options.secretsKey) return notFound
  const key = phoneTokenKey(options.secretsKey)
  const check = parsePageToken(options.token, key, options.nowMs)
  if (!check.ok) return { ...notFound, status: check.reason === 'expired' ? 410 : 404, body: check.reason === 'expired' ? 'Gone' : 'Not found' }
  const delivery = await options.prisma.delivery.findUnique({ where: { id: check.deliveryId }, select: { id: true, alertId: true, channel: true, recipientKey: true } })
  if (!delivery || delivery.channel !== PHONE_CHANNEL) return notFound
  const phone = await options.prisma.phone.findUnique({ where: { id: delivery.recipientKey }, select: { vendor: true, group: { select: { language: true, requireAck: true } } } })
  if (!phone) return notFound
  // a delivery's alert always exists (decision 028: checked when the delivery is inserted, and an
  // alert with deliveries cannot be deleted)
  const alert = await options.prisma.alert.findUniqueOrThrow({ where: { id: delivery.alertId }, select: { payload: true } })
  const page = composePhonePage(alert.payload as unknown as CapAlert, phone.group, phone.vendor as PhoneVendor, delivery.id, { baseUrl: options.baseUrl, key })
  return { status: 200, contentType: CISCO_XML_CONTENT_TYPE, body: ciscoTextXml(page) }
}

export async function acknowledgePhonePage(options: { prisma: PrismaClient; secretsKey: Buffer | undefined; token: string }): Promise<PhoneAnswer & { acknowledged?: 'now' | 'already' }> {
  if (!options.secretsKey) return notFound
  const check = parseAckToken(options.token, phoneTokenKey(options.secretsKey))
  if (!check.ok) return notFound
  return options.prisma.$transaction(async (tx) => {
    const delivery = await tx.delivery.findUnique({ where: { id: check.deliveryId }, select: { id: true, alertId: true, channel: true, recipientKey: true, receiptStatus: true, attempts: true } })
    if (!delivery || delivery.channel !== PHONE_CHANNEL) return notFound
    const phone = await tx.phone.findUnique({ where: { id: delivery.recipientKey }, select: { id: true, name: true, group: { select: { language: true } } } })
    const words = ACKNOWLEDGED[phone?.group.language ?? 'lv'] ?? ACKNOWLEDGED.lv
    const answer: PhoneAnswer = { status: 200, contentType: CISCO_XML_CONTENT_TYPE, body: ciscoTextXml({ title: words.title, text: words.text }) }
    if (delivery.receiptStatus === 'acknowledged') return { ...answer, acknowledged: 'already' as const }
    const now = new Date()
    await tx.delivery.update({ where: { id: delivery.id }, data: { receiptStatus: 'acknowledged', receiptAt: now } })
    // in the delivery report's attempts (screen and CSV), like an SMS receipt
    await tx.deliveryAttempt.create({ data: { deliveryId: delivery.id, attempt: delivery.attempts, at: now, result: 'acknowledged', detail: phone?.name ?? null } })
    if (phone) await tx.phone.update({ where: { id: phone.id }, data: { lastAckAt: now } })
    await recordAudit(tx, {
      ...actorFields(systemActor),
      action: 'phone.acknowledged',
      entityType: 'Phone',
      entityId: delivery.recipientKey,
      data: { deliveryId: String(delivery.id), alertId: delivery.alertId, phone: phone?.name ?? null },
    })
    return { ...answer, acknowledged: 'now' as const }
  })
}
