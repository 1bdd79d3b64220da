// GET /phone/page/<token> — the CiscoIPPhoneText a Cisco desk phone fetches after Sargs pushed
// CiscoIPPhoneExecute to it (decisions 015, 021). No session (phones cannot sign in): the token is
// signed and expires (domain/paging/phone-tokens.ts). Rate-limited per client address.
// Answers: 200 text/xml · 404 unknown or bad token · 410 expired · 429 too many requests.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { consumeRateLimit } from '#domain/auth/rate-limit.ts'
import { servePhonePage } from '#domain/paging/phone-pages.ts'
import { getRuntime, prisma } from '#domain/runtime.ts'

export const PHONE_PAGE_LIMIT = { limit: 300, windowSeconds: 60 } as const

export async function loader({ params, context }: LoaderFunctionArgs) {
  const limit = await consumeRateLimit(prisma(), { key: `phone-page:ip:${context.clientIp}`, ...PHONE_PAGE_LIMIT })
  if (!limit.ok) return new Response('Too many requests', { status: 429, headers: { 'Retry-After': String(limit.retryAfterSeconds), 'Cache-Control': 'no-store' } })
  const answer = await servePhonePage({ prisma: prisma(), secretsKey: getRuntime().secretsKey, baseUrl: context.publicUrl, token: params.token ?? '' })
  return new Response(answer.body, { status: answer.status, headers: { 'Content-Type': answer.contentType, 'Cache-Control': 'no-store' } })
}
