// POST /api/sms/inbound — a resident's reply through the HTTP SMS gateway ({from, to, text}),
// signed like the receipts (x-sms-signature with SMS_RECEIPT_SECRET). A STOP reply unsubscribes
// the number. 204 handled (or nothing to do) · 401 bad signature · 413 · 422 · 404 not configured here.
import type { ActionFunctionArgs } from '@remix-run/node'
import { isAppError } from '#domain/errors.ts'
import { prisma } from '#domain/runtime.ts'
import { isWebhookBodyTooLarge, readSmsWebhookBody, RECEIPT_SIGNATURE_HEADER } from '#domain/sms/receive-sms-receipt.ts'
import { receiveSmsReply } from '#domain/sms/receive-sms-reply.ts'

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' } })

export function loader() {
  return new Response(null, { status: 405, headers: { Allow: 'POST' } })
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST') return new Response(null, { status: 405, headers: { Allow: 'POST' } })
  try {
    const rawBody = await readSmsWebhookBody(request)
    await receiveSmsReply({ prisma: prisma(), rawBody, signature: request.headers.get(RECEIPT_SIGNATURE_HEADER), secret: context.smsReceiptSecret })
    return new Response(null, { status: 204 })
  } catch (error) {
    if (!isAppError(error)) throw error
    return json(isWebhookBodyTooLarge(error) ? 413 : error.status, { error: error.message, ...(error.fields ? { fields: error.fields } : {}) })
  }
}
