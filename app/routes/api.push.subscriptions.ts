// POST /api/push/subscriptions: subscribe a browser (its PushSubscription JSON plus places,
// languages and the lowest severity) — 201 when new, 200 when its choices changed.
// DELETE /api/push/subscriptions: unsubscribe ({endpoint, keys: {auth}} proves ownership).
// Public (no account), rate-limited per address, JSON in and out; the Origin check
// (server/http/origin.ts) admits our own pages' fetch() calls.
import type { ActionFunctionArgs } from '@remix-run/node'
import { prisma } from '#domain/runtime.ts'
import { subscribeRules } from '#domain/subscriptions/limits.ts'
import { removeSubscription } from '#domain/subscriptions/remove-subscription.ts'
import { saveSubscription } from '#domain/subscriptions/save-subscription.ts'
import { errorResponse, json, limitRequest, readJsonBody } from '~/components/public/push-api.server'

export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST' && request.method !== 'DELETE') {
    return json({ ok: false, error: 'method-not-allowed' }, 405, { Allow: 'POST, DELETE' })
  }
  try {
    await limitRequest(context, subscribeRules)
    const input = await readJsonBody(request)
    if (request.method === 'DELETE') {
      await removeSubscription({ prisma: prisma(), input })
      return json({ ok: true, removed: true })
    }
    const saved = await saveSubscription({ prisma: prisma(), input, pushServiceHosts: context.pushServiceHosts })
    return json({ ok: true, created: saved.created, subscription: saved.subscription }, saved.created ? 201 : 200)
  } catch (error) {
    return errorResponse(error)
  }
}
