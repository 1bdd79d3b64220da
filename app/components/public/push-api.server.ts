// The HTTP side of the public push API (/api/push/*): JSON bodies read with a size cap, the
// per-address rate limit, and domain errors turned into JSON answers (422 names the fields,
// 429 carries Retry-After). Never a 500 for bad input.
import type { AppLoadContext } from '@remix-run/node'
import { enforceRateLimits, type RateLimitRule } from '#domain/auth/rate-limit.ts'
import { isAppError } from '#domain/errors.ts'
import { prisma } from '#domain/runtime.ts'
import { subscriptionLimits } from '#domain/subscriptions/limits.ts'
import { ensureVapidKeys } from '#notify/dispatch/vapid-keys.ts'
import { clientIp } from '~/utils/auth.server'

const noStore = { 'Cache-Control': 'no-store' }

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...noStore, ...headers },
  })
}

/** A JSON object body, at most `bodyBytesMax`; a Response (400/413/415) when it is not one. */
export async function readJsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get('Content-Type') ?? ''
  if (!/^application\/(json|[\w.+-]+\+json)\s*(;|$)/i.test(type)) {
    throw json({ ok: false, error: 'unsupported-media-type', message: 'send application/json' }, 415)
  }
  const declared = Number(request.headers.get('Content-Length') ?? '0')
  if (declared > subscriptionLimits.bodyBytesMax) throw json({ ok: false, error: 'too-large' }, 413)
  const reader = request.body?.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > subscriptionLimits.bodyBytesMax) {
        await reader.cancel().catch(() => {})
        throw json({ ok: false, error: 'too-large' }, 413)
      }
      chunks.push(value)
    }
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks))
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw json({ ok: false, error: 'invalid-json', errors: { form: 'public:errors.invalid' } }, 400)
  }
}

/** Count this request against the rules (per client address); a 429 Response when over. */
export async function limitRequest(context: AppLoadContext, rules: (ip: string | null) => RateLimitRule[]): Promise<void> {
  try {
    await enforceRateLimits(prisma(), rules(clientIp(context)))
  } catch (error) {
    throw errorResponse(error)
  }
}

/** An AppError as a JSON answer; anything else is rethrown (a real 500). */
export function errorResponse(error: unknown): Response {
  if (error instanceof Response) return error
  if (!isAppError(error)) throw error
  const headers: Record<string, string> = {}
  if (error.code === 'RATE_LIMITED') headers['Retry-After'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds ?? 1)))
  const code = error.code.toLowerCase().replace(/_/g, '-')
  return json(
    {
      ok: false,
      error: code,
      ...(error.fields ? { errors: error.fields } : {}),
      ...(error.retryAfterSeconds ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
    },
    error.status,
    headers,
  )
}

/** The instance's VAPID public key (made on first use, kept in the database). */
export async function vapidPublicKey(): Promise<string> {
  return (await ensureVapidKeys(prisma())).publicKey
}
