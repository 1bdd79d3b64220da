// POST /api/sms/subscriptions/confirm: {verificationId, code} — the code from the SMS subscribes
// the number (201 new, 200 changed choices). The answer carries the unsubscribe link (also sent
// to the number). 422 wrong code (five tries), 404 expired or used.
import type { ActionFunctionArgs } from '@remix-run/node'
import { getRuntime, prisma } from '#domain/runtime.ts'
import { confirmSmsSubscription } from '#domain/sms/sms-subscriptions.ts'
import { subscribeRules } from '#domain/subscriptions/limits.ts'
import { errorResponse, json, limitRequest, readJsonBody } from '~/components/public/push-api.server'

export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST') return json({ ok: false, error: 'method-not-allowed' }, 405, { Allow: 'POST' })
  try {
    await limitRequest(context, subscribeRules)
    const input = (await readJsonBody(request)) as Record<string, unknown> | null
    const baseUrl = context.publicUrl ?? new URL(request.url).origin
    const result = await confirmSmsSubscription({ prisma: prisma(), verificationId: input?.verificationId, code: input?.code, sender: getRuntime().smsSender, baseUrl })
    return json({ ok: true, created: result.created, stopUrl: `${baseUrl}/sms/stop/${result.stopToken}` }, result.created ? 201 : 200)
  } catch (error) {
    return errorResponse(error)
  }
}
