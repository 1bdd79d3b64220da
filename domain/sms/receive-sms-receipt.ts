// POST /api/sms/receipts: a delivery receipt of the HTTP SMS gateway (decision 013), one per part,
// signed with SMS_RECEIPT_SECRET over the raw body. A bad or missing signature is refused before
// anything is parsed; a valid receipt is merged into its delivery (notify/ledger/apply-sms-receipt.ts).
// Receipts for messages we do not know are acknowledged (a gateway would otherwise retry them for
// ever) and counted as unknown.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { AppError } from '#domain/errors.ts'
import { readLimitedBody } from '#notify/cap/parse-xml.ts'
import { parseHttpGatewayReceipt, RECEIPT_SIGNATURE_HEADER, verifyReceiptSignature } from '#notify/channels/sms/receipts.ts'
import { applyHttpGatewayReceipt, type ApplyReceiptResult } from '#notify/ledger/apply-sms-receipt.ts'

/** the largest receipt body we read (a receipt is a few hundred bytes) */
export const SMS_RECEIPT_MAX_BYTES = 16 * 1024

export { RECEIPT_SIGNATURE_HEADER }

/** The raw body of an SMS webhook, up to SMS_RECEIPT_MAX_BYTES; a larger one is not read on. */
export async function readSmsWebhookBody(request: Request): Promise<Uint8Array> {
  try {
    return await readLimitedBody(request, SMS_RECEIPT_MAX_BYTES)
  } catch (error) {
    throw new AppError('INVALID_INPUT', `the body is larger than ${SMS_RECEIPT_MAX_BYTES} bytes`, { fields: { body: 'tooLarge' }, cause: error })
  }
}

export const isWebhookBodyTooLarge = (error: AppError): boolean => error.fields?.body === 'tooLarge'

export async function receiveSmsReceipt(options: {
  prisma: PrismaClient
  /** the raw body as received (the signature is over these bytes) */
  rawBody: Uint8Array
  signature: string | null
  /** SMS_RECEIPT_SECRET; undefined: receipts are not accepted */
  secret: string | undefined
}): Promise<ApplyReceiptResult> {
  if (!options.secret) throw new AppError('NOT_FOUND', 'SMS receipts are not configured here (SMS_RECEIPT_SECRET)')
  const raw = Buffer.from(options.rawBody)
  if (!verifyReceiptSignature(raw, options.signature ?? undefined, options.secret)) {
    throw new AppError('UNAUTHENTICATED', 'bad or missing receipt signature', { fields: { [RECEIPT_SIGNATURE_HEADER]: 'invalid' } })
  }
  let body: unknown
  try {
    body = JSON.parse(raw.toString('utf8'))
  } catch {
    throw new AppError('INVALID_INPUT', 'the body is not JSON', { fields: { body: 'invalid' } })
  }
  const parsed = parseHttpGatewayReceipt(body)
  if (!parsed.ok) throw new AppError('INVALID_INPUT', `${parsed.field}: ${parsed.message}`, { fields: { [parsed.field]: parsed.message } })
  return applyHttpGatewayReceipt(options.prisma, parsed.receipt)
}
