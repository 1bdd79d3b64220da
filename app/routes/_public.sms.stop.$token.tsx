// /sms/stop/<token>: the unsubscribe link from the confirmation SMS. Opening it (GET) only says
// what the button will do — link scanners and previews open links, and must not end a
// subscription; the button POSTs, and the subscription (places, languages, number) is deleted
// (domain: stopSmsSubscription). An unknown or already used link is answered politely with 404.
// The link names no number; this page never shows one. Works without JavaScript (a plain form).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { smsStopAction, smsStopState } from '~/components/public/sms-subscribe.server'
import '~/components/public/sms-subscribe.css'

export const meta: MetaFunction = () => [{ title: 'Sargs · SMS' }, { name: 'robots', content: 'noindex' }]

const noStore = { 'Cache-Control': 'no-store' }

export async function loader({ params }: LoaderFunctionArgs) {
  const state = await smsStopState({ token: params.token ?? '' })
  return data({ state }, { status: state === 'active' ? 200 : 404, headers: noStore })
}

type Answer = { result: 'stopped' | 'unknown' | 'rateLimited'; retryAfterSeconds?: number }

export async function action({ params, context }: ActionFunctionArgs) {
  const outcome = await smsStopAction({ token: params.token ?? '', context })
  if (typeof outcome === 'object') {
    const seconds = String(outcome.retryAfterSeconds)
    return data({ result: 'rateLimited', retryAfterSeconds: outcome.retryAfterSeconds } satisfies Answer, { status: 429, headers: { ...noStore, 'Retry-After': seconds } })
  }
  return data({ result: outcome } satisfies Answer, { status: outcome === 'stopped' ? 200 : 404, headers: noStore })
}

/** After the button the token is gone: the answer, not the reloaded state, says what happened. */
export const shouldRevalidate = () => false

export default function SmsStop() {
  const { state } = useLoaderData<typeof loader>()
  const answer = useActionData<typeof action>() as Answer | undefined
  const navigation = useNavigation()
  const { t } = useTranslation('public')
  const shown = answer?.result === 'stopped' ? 'stopped' : answer?.result === 'unknown' || state === 'unknown' ? 'unknown' : 'active'
  return (
    <div className="card sms-stop" data-testid="sms-stop-page" data-state={shown}>
      <h1>{t('smsStop.title')}</h1>
      {shown === 'stopped' ? (
        <>
          <p className="notice sms-done" role="status" data-testid="sms-stopped">
            {t('smsStop.stopped')}
          </p>
          <p>{t('smsStop.again')}</p>
          <Link to="/subscribe">{t('smsStop.subscribe')}</Link>
        </>
      ) : shown === 'unknown' ? (
        <>
          <p role="status" data-testid="sms-stop-unknown">
            {t('smsStop.unknown')}
          </p>
          <p>{t('smsStop.unknownHelp')}</p>
          <Link to="/subscribe">{t('smsStop.subscribe')}</Link>
        </>
      ) : (
        <>
          <p>{t('smsStop.explain')}</p>
          <p className="muted small">{t('smsStop.reply')}</p>
          {answer?.result === 'rateLimited' ? (
            <p className="form-error" role="alert" data-testid="sms-stop-rate-limited">
              {t('subscribe.rateLimited', { seconds: answer.retryAfterSeconds ?? 60 })}
            </p>
          ) : null}
          <Form method="post" data-testid="sms-stop-form">
            <button type="submit" className="btn btn-danger btn-large" disabled={navigation.state !== 'idle'} data-testid="sms-stop-submit">
              {navigation.state !== 'idle' ? t('subscribe.working') : t('smsStop.submit')}
            </button>
          </Form>
          <Link to="/public">{t('smsStop.keep')}</Link>
        </>
      )}
    </div>
  )
}
