// POST /api/sms/subscriptions: a resident asks for SMS alerts ({phone, places, languages,
// minSeverity}); a six-digit code goes to the number (202 with the verification id). The number is
// only in the body, never in a URL. Public, rate-limited per address and per number, JSON in and
// out; 422 names the fields, 503 when SMS is not configured on this server.
import type { ActionFunctionArgs } from '@remix-run/node'
import { getRuntime, prisma } from '#domain/runtime.ts'
import { requestSmsSubscription } from '#domain/sms/sms-subscriptions.ts'
import { subscribeRules } from '#domain/subscriptions/limits.ts'
import { errorResponse, json, limitRequest, readJsonBody } from '~/components/public/push-api.server'
import { clientIp } from '~/utils/auth.server'

export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST') return json({ ok: false, error: 'method-not-allowed' }, 405, { Allow: 'POST' })
  try {
    await limitRequest(context, subscribeRules)
    const input = await readJsonBody(request)
    const { verificationId, expiresAt } = await requestSmsSubscription({ prisma: prisma(), input, clientIp: clientIp(context) ?? 'unknown', sender: getRuntime().smsSender })
    return json({ ok: true, verificationId, expiresAt: expiresAt.toISOString() }, 202)
  } catch (error) {
    return errorResponse(error)
  }
}
