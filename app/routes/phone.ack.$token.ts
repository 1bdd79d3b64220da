// GET (or POST) /phone/ack/<token> — the acknowledgement soft key of a page on a Cisco desk phone
// (decision 021): the delivery of that phone becomes 'acknowledged', Phone.lastAckAt is set, the
// system audits it. No session; the signed token is the proof. A POST passes the Origin check only
// without a cookie (server/http/origin.ts phoneTokenPaths). Rate-limited per client address.
// Answers: 200 CiscoIPPhoneText (shown on the phone) · 404 unknown or bad token · 429.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { consumeRateLimit } from '#domain/auth/rate-limit.ts'
import { acknowledgePhonePage } from '#domain/paging/phone-pages.ts'
import { getRuntime, prisma } from '#domain/runtime.ts'

export const PHONE_ACK_LIMIT = { limit: 60, windowSeconds: 60 } as const

async function acknowledge({ params, context }: LoaderFunctionArgs | ActionFunctionArgs) {
  const limit = await consumeRateLimit(prisma(), { key: `phone-ack:ip:${context.clientIp}`, ...PHONE_ACK_LIMIT })
  if (!limit.ok) return new Response('Too many requests', { status: 429, headers: { 'Retry-After': String(limit.retryAfterSeconds), 'Cache-Control': 'no-store' } })
  const answer = await acknowledgePhonePage({ prisma: prisma(), secretsKey: getRuntime().secretsKey, token: params.token ?? '' })
  return new Response(answer.body, { status: answer.status, headers: { 'Content-Type': answer.contentType, 'Cache-Control': 'no-store' } })
}

export const loader = acknowledge
export const action = acknowledge
