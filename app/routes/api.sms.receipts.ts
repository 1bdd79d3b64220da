// POST /api/sms/receipts — delivery receipts of the HTTP SMS gateway, one per part, signed with
// SMS_RECEIPT_SECRET (header x-sms-signature: sha256=<hex>). No cookie, no session: the Origin
// check lets a signed POST to this path through (server/http/origin.ts signedWebhookPaths).
// Answers: 204 applied or already known · 202 unknown message (acknowledged, nothing changed) ·
// 401 bad signature · 413 over 16 KB · 422 invalid receipt (the field named) · 404 not configured here.
import type { ActionFunctionArgs } from '@remix-run/node'
import { isAppError } from '#domain/errors.ts'
import { prisma } from '#domain/runtime.ts'
import { isWebhookBodyTooLarge, readSmsWebhookBody, receiveSmsReceipt, RECEIPT_SIGNATURE_HEADER } from '#domain/sms/receive-sms-receipt.ts'

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' } })

export function loader() {
  return new Response(null, { status: 405, headers: { Allow: 'POST' } })
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST') return new Response(null, { status: 405, headers: { Allow: 'POST' } })
  try {
    const rawBody = await readSmsWebhookBody(request)
    const result = await receiveSmsReceipt({ prisma: prisma(), rawBody, signature: request.headers.get(RECEIPT_SIGNATURE_HEADER), secret: context.smsReceiptSecret })
    return result === 'unknown' ? json(202, { result }) : new Response(null, { status: 204 })
  } catch (error) {
    if (!isAppError(error)) throw error
    return json(isWebhookBodyTooLarge(error) ? 413 : error.status, { error: error.message, ...(error.fields ? { fields: error.fields } : {}) })
  }
}
