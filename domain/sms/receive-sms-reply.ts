// A resident's reply to our SMS number: through the HTTP gateway's signed inbound webhook
// (POST /api/sms/inbound, {from, to, text}) or the SMSC (SmppAdapter onInbound). A STOP reply
// unsubscribes the number; anything else is ignored (nobody reads this number).
import type { PrismaClient } from '#generated/prisma/client.ts'
import { AppError } from '#domain/errors.ts'
import { verifyReceiptSignature } from '#notify/channels/sms/receipts.ts'
import { isStopReply, stopSmsSubscription } from './sms-subscriptions.ts'

export async function handleSmsReply(options: { prisma: PrismaClient; from: string; text: string }): Promise<{ stopped: boolean }> {
  if (!isStopReply(options.text)) return { stopped: false }
  const { removed } = await stopSmsSubscription({ prisma: options.prisma, fromNumber: options.from })
  return { stopped: removed }
}

export async function receiveSmsReply(options: { prisma: PrismaClient; rawBody: Uint8Array; signature: string | null; secret: string | undefined }): Promise<{ stopped: boolean }> {
  if (!options.secret) throw new AppError('NOT_FOUND', 'SMS replies are not configured here (SMS_RECEIPT_SECRET)')
  const raw = Buffer.from(options.rawBody)
  if (!verifyReceiptSignature(raw, options.signature ?? undefined, options.secret)) {
    throw new AppError('UNAUTHENTICATED', 'bad or missing signature', { fields: { 'x-sms-signature': 'invalid' } })
  }
  let body: unknown
  try {
    body = JSON.parse(raw.toString('utf8'))
  } catch {
    throw new AppError('INVALID_INPUT', 'the body is not JSON', { fields: { body: 'invalid' } })
  }
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const fields: Record<string, string> = {}
  if (typeof b.from !== 'string' || b.from.length === 0 || b.from.length > 32) fields.from = 'required'
  if (typeof b.text !== 'string' || b.text.length > 2000) fields.text = 'required'
  if (Object.keys(fields).length > 0) throw new AppError('INVALID_INPUT', `invalid reply: ${Object.keys(fields).join(', ')}`, { fields })
  return handleSmsReply({ prisma: options.prisma, from: b.from as string, text: b.text as string })
}
