// GET /api/push/vapid-public-key: the key a browser passes to pushManager.subscribe
// (applicationServerKey). Public, rate-limited per address; not cached for long, since the key
// can be rotated (`sargs` CLI) and every browser must then subscribe again.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { vapidKeyRules } from '#domain/subscriptions/limits.ts'
import { errorResponse, json, limitRequest, vapidPublicKey } from '~/components/public/push-api.server'

export async function loader({ context }: LoaderFunctionArgs) {
  try {
    await limitRequest(context, vapidKeyRules)
    return json({ publicKey: await vapidPublicKey() }, 200, { 'Cache-Control': 'no-cache' })
  } catch (error) {
    return errorResponse(error)
  }
}
