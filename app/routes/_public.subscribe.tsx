// /subscribe: a resident chooses places (tap the map, the device's location, or a named area —
// stored as a few sample points inside it), languages and the lowest severity, then presses
// Subscribe: only then does the browser ask for permission to show notifications. The page knows
// this browser's subscription and unsubscribes in one tap. Web push needs JavaScript; without it
// the page says so and points to the alert list and the feeds. Or SMS to a phone (when a provider
// is configured): the number, a code sent to it, Confirm, the unsubscribe link — posted to this
// route's action (also without JavaScript), which calls domain/sms/sms-subscriptions.ts.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { prisma } from '#domain/runtime.ts'
import { subscriptionLimits } from '#domain/subscriptions/limits.ts'
import { loadSubscribePage } from '~/components/public/public-alerts.server'
import { smsAvailable, smsSubscribeAction } from '~/components/public/sms-subscribe.server'
import type { SmsAnswer } from '~/components/public/sms-types'
import { SubscribeForm } from '~/components/public/subscribe-form'
import { getLanguage } from '~/utils/i18n.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const language = await getLanguage(request)
  return { ...(await loadSubscribePage({ prisma: prisma() })), language, maxPlaces: subscriptionLimits.maxPlaces, smsAvailable: smsAvailable() }
}

/** The SMS steps (intent sms-code, sms-confirm, sms-restart): see sms-subscribe.server.ts. */
export async function action({ request, context }: ActionFunctionArgs) {
  return smsSubscribeAction({ request, context })
}

export const meta: MetaFunction = () => [{ title: 'Sargs · Subscribe' }]

export default function Subscribe() {
  const { territory, areas, language, maxPlaces, smsAvailable } = useLoaderData<typeof loader>()
  const smsAnswer = useActionData<typeof action>() as SmsAnswer | undefined
  const { t } = useTranslation('public')
  if (!territory) return <p>{t('alerts.noTerritory')}</p>
  return (
    <div className="subscribe" data-testid="subscribe-page">
      <h1>{t('subscribe.title', { territory: territory.name })}</h1>
      <p className="lead">{t('subscribe.intro')}</p>
      <noscript>
        <p className="notice" data-testid="subscribe-noscript">
          {t('subscribe.noScript')}
          {smsAvailable ? ` ${t('subscribe.noScriptSms')}` : null}
        </p>
      </noscript>
      <SubscribeForm territory={territory} areas={areas} pageLanguage={language} maxPlaces={maxPlaces} smsAvailable={smsAvailable} smsAnswer={smsAnswer} />
      <p className="small muted privacy">{t('subscribe.privacy')}</p>
    </div>
  )
}
