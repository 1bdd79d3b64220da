// The HTTP side of the resident's SMS subscription on the /subscribe page and the unsubscribe page
// /sms/stop/<token>. Plain form posts (they work without JavaScript; with it, Remix submits the
// same form): the page's action reads the form, calls the domain (domain/sms/sms-subscriptions.ts)
// and answers what the SMS part of the page shows next. The number travels only in POST bodies
// and is shown masked (+371 2••••777) once the code is sent.
//
//   smsSubscribeAction({ request, context }) → data(SmsAnswer, { status })
//     intent=sms-code     phone, places (JSON) or area (named-area ids, without JavaScript),
//                         languages, minSeverity → step 'code' (or 'phone' with field errors)
//     intent=sms-confirm  verificationId, code → step 'done' with the unsubscribe link
//     intent=sms-restart  → step 'phone' (another number)
//   smsStopState({ token }) → 'active' | 'unknown'   (GET: never unsubscribes)
//   smsStopAction({ token, context }) → 'stopped' | 'unknown'
//
// Statuses: 422 field errors, 429 with Retry-After, 404 code expired or used, 409 SMS not offered
// on this server (the page does not show the form then), 503 the code could not be sent.
import crypto from 'node:crypto'
import type { AppLoadContext } from '@remix-run/node'
import { data } from '@remix-run/node'
import { enforceRateLimits } from '#domain/auth/rate-limit.ts'
import { isAppError } from '#domain/errors.ts'
import type { Position } from '#domain/geo/types.ts'
import { getRuntime, prisma } from '#domain/runtime.ts'
import { confirmSmsSubscription, requestSmsSubscription, smsErrors, stopSmsSubscription } from '#domain/sms/sms-subscriptions.ts'
import { subscribeRules } from '#domain/subscriptions/limits.ts'
import { maskPhone, normalizeE164 } from '#notify/channels/sms/e164.ts'
import { clientIp } from '~/utils/auth.server'
import { loadSubscribePage } from './public-alerts.server'
import type { SmsAnswer, SmsNotice } from './sms-types'

/** Is an SMS provider configured on this server (the page offers SMS only then)? */
export function smsAvailable(): boolean {
  return getRuntime().smsSender !== undefined
}

const text = (form: FormData, name: string, max = 200) => {
  const value = form.get(name)
  return typeof value === 'string' ? value.slice(0, max) : ''
}

/** Places: the map's points (JSON, with JavaScript) and/or named areas' sample points (ids, without it). */
async function placesOf(form: FormData): Promise<unknown> {
  let places: unknown = []
  try {
    places = JSON.parse(text(form, 'places', 8_000) || '[]')
  } catch {
    return 'invalid'
  }
  const areaIds = form.getAll('area').filter((v): v is string => typeof v === 'string')
  if (areaIds.length === 0 || !Array.isArray(places)) return places
  const { areas } = await loadSubscribePage({ prisma: prisma() })
  const fromAreas: Position[] = areas.filter((a) => areaIds.includes(a.id)).flatMap((a) => a.places)
  return [...(places as unknown[]), ...fromAreas]
}

/** What the resident chose, echoed in the answer so a page without JavaScript keeps it. */
function valuesOf(form: FormData) {
  return {
    phone: text(form, 'phone', 40),
    areas: form.getAll('area').filter((v): v is string => typeof v === 'string').slice(0, 50),
    languages: form.getAll('languages').filter((v): v is string => typeof v === 'string').slice(0, 3),
    minSeverity: text(form, 'minSeverity', 20),
  }
}

function answer(body: SmsAnswer, status = 200, headers: Record<string, string> = {}) {
  return data(body, { status, headers: { 'Cache-Control': 'no-store', ...headers } })
}

/** A domain error as the notice/field errors of the step the resident is on. */
function failure(error: unknown, stepOf: (errors: Record<string, string>, notice?: SmsNotice, retryAfterSeconds?: number) => SmsAnswer) {
  if (!isAppError(error)) throw error
  if (error.code === 'RATE_LIMITED') {
    const seconds = Math.max(1, Math.ceil(error.retryAfterSeconds ?? 60))
    return answer(stepOf({}, 'rateLimited', seconds), 429, { 'Retry-After': String(seconds) })
  }
  if (error.code === 'UNAVAILABLE') return answer(stepOf({}, 'unavailable'), 503)
  return answer(stepOf(error.fields ?? { form: 'public:errors.invalid' }, error.code === 'INVALID_INPUT' ? 'invalid' : undefined), error.status)
}

export async function smsSubscribeAction({ request, context }: { request: Request; context: AppLoadContext }) {
  const form = await request.formData()
  const intent = text(form, 'intent', 40)
  if (intent !== 'sms-code' && intent !== 'sms-confirm' && intent !== 'sms-restart') {
    return answer({ step: 'phone', errors: { form: 'public:errors.invalid' }, notice: 'invalid' }, 400)
  }
  if (intent === 'sms-restart') return answer({ step: 'phone', errors: {} })
  if (!smsAvailable()) return answer({ step: 'phone', errors: { phone: smsErrors.smsUnavailable }, notice: 'notOffered' }, 409)
  try {
    await enforceRateLimits(prisma(), subscribeRules(clientIp(context)))
  } catch (error) {
    return failure(error, (errors, notice, retryAfterSeconds) =>
      intent === 'sms-confirm' ? codeStep(form, errors, notice, retryAfterSeconds) : { step: 'phone', errors, notice, retryAfterSeconds, values: valuesOf(form) },
    )
  }
  return intent === 'sms-code' ? requestCode(form, context) : confirmCode(form, context, request)
}

async function requestCode(form: FormData, context: AppLoadContext) {
  const values = valuesOf(form)
  const input = { phone: values.phone, places: await placesOf(form), languages: values.languages, minSeverity: values.minSeverity }
  try {
    const { verificationId, expiresAt } = await requestSmsSubscription({ prisma: prisma(), input, clientIp: clientIp(context) ?? 'unknown', sender: getRuntime().smsSender })
    const number = normalizeE164(values.phone)
    const maskedPhone = number.ok ? maskPhone(number.number) : '•••'
    return answer({ step: 'code', verificationId, maskedPhone, expiresAt: expiresAt.toISOString(), errors: {} })
  } catch (error) {
    return failure(error, (errors, notice, retryAfterSeconds) => ({ step: 'phone', errors, notice, retryAfterSeconds, values }))
  }
}

/** The code step again (a wrong code, a rate limit): the masked number comes back from the form. */
function codeStep(form: FormData, errors: Record<string, string>, notice?: SmsNotice, retryAfterSeconds?: number): SmsAnswer {
  const maskedPhone = text(form, 'maskedPhone', 32).replace(/[^+\d •]/g, '')
  return { step: 'code', verificationId: text(form, 'verificationId', 64), maskedPhone, errors, notice, retryAfterSeconds }
}

async function confirmCode(form: FormData, context: AppLoadContext, request: Request) {
  const baseUrl = context.publicUrl ?? new URL(request.url).origin
  try {
    const result = await confirmSmsSubscription({
      prisma: prisma(),
      verificationId: text(form, 'verificationId', 64),
      code: text(form, 'code', 20),
      sender: getRuntime().smsSender,
      baseUrl,
    })
    const maskedPhone = text(form, 'maskedPhone', 32).replace(/[^+\d •]/g, '')
    return answer({ step: 'done', created: result.created, maskedPhone, stopUrl: `${baseUrl.replace(/\/+$/, '')}/sms/stop/${result.stopToken}` }, result.created ? 201 : 200)
  } catch (error) {
    // an expired or used code: start again with the number
    if (isAppError(error) && error.code === 'NOT_FOUND') return answer({ step: 'phone', errors: { phone: smsErrors.codeExpired }, notice: 'expired' }, 404)
    return failure(error, (errors, notice, retryAfterSeconds) => codeStep(form, errors, notice, retryAfterSeconds))
  }
}

const validToken = (token: string) => /^[A-Za-z0-9_-]{20,64}$/.test(token)

/** Whether the link's token still names a subscription (the page says so before the button). */
export async function smsStopState({ token }: { token: string }): Promise<'active' | 'unknown'> {
  if (!validToken(token)) return 'unknown'
  const hash = crypto.createHash('sha256').update(token).digest('hex')
  return (await prisma().smsSubscription.count({ where: { stopTokenHash: hash } })) > 0 ? 'active' : 'unknown'
}

/** The button on /sms/stop/<token>: removes the subscription (domain: stopSmsSubscription). */
export async function smsStopAction({ token, context }: { token: string; context: AppLoadContext }): Promise<'stopped' | 'unknown' | { retryAfterSeconds: number }> {
  try {
    await enforceRateLimits(prisma(), subscribeRules(clientIp(context)))
    const { removed } = await stopSmsSubscription({ prisma: prisma(), token })
    return removed ? 'stopped' : 'unknown'
  } catch (error) {
    if (isAppError(error) && error.code === 'NOT_FOUND') return 'unknown'
    if (isAppError(error) && error.code === 'RATE_LIMITED') return { retryAfterSeconds: Math.max(1, Math.ceil(error.retryAfterSeconds ?? 60)) }
    throw error
  }
}
