// POST /api/cap — CAP in: a CAP 1.2 XML message from a machine, authorised by a bearer token with
// the scope alerts:issue (created with `sargs token create`). Depending on the token it is issued
// at once or kept as a draft for an operator (domain/api-tokens/accept-cap-alert.ts).
//
// No cookies, no session: the Origin check lets a bearer-only POST to this path through
// (server/http/origin.ts bearerTokenPaths). Answers are JSON:
//   201 created (Location) · 200 the same message again · 401 no/bad token (WWW-Authenticate) ·
//   403 token without the scope · 409 identifier taken / reference no longer in force ·
//   413 body over the limit · 415 not XML · 422 invalid CAP, with per-field reasons · 429 per-token limit
import type { ActionFunctionArgs } from '@remix-run/node'
import { acceptCapAlert } from '#domain/api-tokens/accept-cap-alert.ts'
import { capInRateLimit } from '#domain/api-tokens/cap-in-limits.ts'
import { capInLocation, isBodyTooLarge, readCapInBody } from '#domain/api-tokens/cap-in-http.ts'
import { verifyApiToken } from '#domain/api-tokens/verify-api-token.ts'
import { consumeRateLimit } from '#domain/auth/rate-limit.ts'
import { isAppError, type AppError } from '#domain/errors.ts'
import { feedBaseUrl } from '#domain/public-alerts/feed-response.ts'
import { prisma } from '#domain/runtime.ts'
import { createI18n } from '~/utils/i18n.server'


const XML_TYPES = /^(application\/(cap\+xml|xml)|text\/xml)$/i
const REALM = 'Bearer realm="sargs"'

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers } })

/** Per-field reasons: the message key and its English text (machines read the key, people the text). */
async function reasons(error: AppError) {
  const t = (await createI18n('en')).getFixedT('en')
  return Object.fromEntries(Object.entries(error.fields ?? {}).map(([field, key]) => [field, { key, message: t(key, { defaultValue: key }) }]))
}

export function loader() {
  return json(405, { error: 'method_not_allowed' }, { Allow: 'POST' })
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST') return json(405, { error: 'method_not_allowed' }, { Allow: 'POST' })
  const db = prisma()
  const authorization = request.headers.get('authorization')
  let token
  try {
    token = await verifyApiToken({ prisma: db, authorization, scope: 'alerts:issue' })
  } catch (error) {
    if (!isAppError(error)) throw error
    if (error.code === 'FORBIDDEN') {
      return json(403, { error: 'insufficient_scope', scope: 'alerts:issue' }, { 'WWW-Authenticate': `${REALM}, error="insufficient_scope", scope="alerts:issue"` })
    }
    // RFC 6750 §3.1: no error code when no credentials came at all
    return json(401, { error: authorization ? 'invalid_token' : 'token_required' }, { 'WWW-Authenticate': authorization ? `${REALM}, error="invalid_token"` : REALM })
  }

  const limit = await consumeRateLimit(db, capInRateLimit(token.id))
  if (!limit.ok) return json(429, { error: 'rate_limited', retryAfterSeconds: limit.retryAfterSeconds }, { 'Retry-After': String(limit.retryAfterSeconds) })

  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim()
  if (type && !XML_TYPES.test(type)) return json(415, { error: 'unsupported_media_type', accepted: ['application/cap+xml', 'application/xml', 'text/xml'] })

  try {
    const body = await readCapInBody(request)
    const result = await acceptCapAlert({ prisma: db, token, body, ip: context.clientIp === 'unknown' ? null : context.clientIp })
    const location = capInLocation(feedBaseUrl(request, context.publicUrl), result)
    return json(result.created ? 201 : 200, result, { Location: location })
  } catch (error) {
    if (!isAppError(error)) throw error
    if (isBodyTooLarge(error)) {
      // the rest of an oversized body is never read: close the connection instead
      return json(413, { error: 'payload_too_large', fields: await reasons(error) }, { Connection: 'close' })
    }
    if (error.code === 'INVALID_INPUT') return json(422, { error: 'invalid_cap', message: error.message, fields: await reasons(error) })
    if (error.code === 'CONFLICT') return json(409, { error: 'conflict', message: error.message, fields: await reasons(error) })
    if (error.code === 'FORBIDDEN') return json(403, { error: 'forbidden', message: error.message, fields: await reasons(error) })
    if (error.code === 'UNAVAILABLE') return json(503, { error: 'unavailable', message: error.message })
    throw error
  }
}
