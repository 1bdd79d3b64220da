// /alerts/{identifier}: one public alert (notify/feeds/feed-urls.ts alertPage), in the reader's
// language with the fallback lv → en: headline, what is happening, what to do, areas on a map,
// from/until. A push notification opens this page (with ?lng= of the notification). An alert that
// was updated, cancelled or has expired is still shown, marked as such.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { prisma } from '#domain/runtime.ts'
import { MsgTypeBadge, SeverityBadge } from '~/components/public/alert-badges'
import { usePublicTime } from '~/components/public/format'
import { loadAlertPage } from '~/components/public/public-alerts.server'
import { PublicMap } from '~/components/public/public-map'
import { getLanguage } from '~/utils/i18n.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const language = await getLanguage(request)
  const page = await loadAlertPage({ prisma: prisma(), identifier: params.identifier ?? '', language })
  if (!page) throw new Response('Not Found', { status: 404 })
  return { ...page, pageLanguage: language }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.alert.headline} · Sargs` : 'Sargs' }]

export default function AlertPage() {
  const { territory, alert, expired, pageLanguage } = useLoaderData<typeof loader>()
  const { t } = useTranslation('public')
  const { t: tShelters } = useTranslation('shelters')
  const time = usePublicTime()
  const fallback = alert.language !== pageLanguage
  return (
    <article className={`public-alert cap-border-${alert.severity}`} data-testid="alert-page" lang={alert.language ?? undefined}>
      <p>
        <Link to="/public">← {t('alert.back')}</Link>
      </p>
      {alert.supersededAtMs ? (
        <p className="notice" role="status" data-testid="alert-superseded">
          {t('alert.superseded')}
        </p>
      ) : expired && alert.expiresMs ? (
        <p className="notice" role="status" data-testid="alert-expired">
          {t('alert.expired', { time: time(alert.expiresMs) })}
        </p>
      ) : null}
      {fallback ? (
        <p className="notice muted" data-testid="language-fallback">
          {t('alert.languageFallback', { language: t(`languageName.${alert.language ?? 'other'}`) })}
        </p>
      ) : null}
      <p className="badges">
        <SeverityBadge severity={alert.severity} /> <MsgTypeBadge msgType={alert.msgType} /> <span className="muted">{alert.event}</span>
      </p>
      <h1 data-testid="alert-headline">{alert.headline}</h1>
      <p className="muted small">{t('alert.sent', { time: time(alert.sentMs), sender: alert.sender })}</p>
      <dl className="alert-facts">
        {alert.onsetMs ? (
          <>
            <dt>{t('alert.onset')}</dt>
            <dd data-testid="alert-onset">{time(alert.onsetMs)}</dd>
          </>
        ) : null}
        <dt>{t('alert.expires')}</dt>
        <dd data-testid="alert-expires">{alert.expiresMs ? time(alert.expiresMs) : t('alerts.noExpiry')}</dd>
        {alert.areas.length > 0 ? (
          <>
            <dt>{t('alert.areas')}</dt>
            <dd data-testid="alert-areas">{alert.areas.join(', ')}</dd>
          </>
        ) : null}
      </dl>
      {alert.instruction ? (
        <section className="alert-instruction" aria-labelledby="instruction-heading">
          <h2 id="instruction-heading">{t('alert.instruction')}</h2>
          <p data-testid="alert-instruction">{alert.instruction}</p>
        </section>
      ) : null}
      <p>
        <Link to="/find-shelter" className="btn" data-testid="alert-find-shelter">
          {tShelters('public.fromAlert')}
        </Link>
      </p>
      {alert.description ? (
        <section aria-labelledby="description-heading">
          <h2 id="description-heading">{t('alert.description')}</h2>
          <p data-testid="alert-description" className="prewrap">
            {alert.description}
          </p>
        </section>
      ) : null}
      {alert.geometry ? (
        <section aria-label={t('map.heading')} className="public-map-wrap single">
          <PublicMap
            territory={territory}
            alerts={[{ identifier: alert.identifier, number: 1, severity: alert.severity, geometry: alert.geometry, headline: alert.headline }]}
            focus
            mapStyleUrl={null}
            label={t('map.alertLabel', { territory: territory.name, areas: alert.areas.join(', ') })}
          />
        </section>
      ) : null}
      <p className="small muted">
        {alert.web ? (
          <>
            <a href={alert.web} rel="noopener noreferrer">
              {t('alert.moreInfo')}
            </a>{' '}
            ·{' '}
          </>
        ) : null}
        {alert.contact ? <>{t('alert.contact', { contact: alert.contact })} · </> : null}
        <a href={alert.capUrl}>{t('alert.cap')}</a> · <Link to="/prepare">{t('nav.prepare')}</Link>
      </p>
    </article>
  )
}
