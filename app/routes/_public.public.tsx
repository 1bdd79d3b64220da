// /public: the alerts in force for the territory, as a map and a list, in the reader's language.
// The map is an SVG drawn on the server (MapLibre joins it when JavaScript runs), so the page is
// complete without JavaScript; with it, the list refreshes every minute.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useRevalidator } from '@remix-run/react'
import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { prisma } from '#domain/runtime.ts'
import { MsgTypeBadge, SeverityBadge } from '~/components/public/alert-badges'
import { usePublicTime } from '~/components/public/format'
import { loadActiveAlertsPage } from '~/components/public/public-alerts.server'
import { PublicMap } from '~/components/public/public-map'
import { getLanguage } from '~/utils/i18n.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const language = await getLanguage(request)
  const page = await loadActiveAlertsPage({ prisma: prisma(), language })
  return { ...page, title: page.territory?.name ?? '' }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Sargs · ${data?.title ?? ''}` }]

const REFRESH_MS = 60_000

export default function ActiveAlerts() {
  const { territory, alerts, loadedAtMs } = useLoaderData<typeof loader>()
  const { t } = useTranslation('public')
  const time = usePublicTime()
  const revalidator = useRevalidator()
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible' && navigator.onLine && revalidator.state === 'idle') revalidator.revalidate()
    }, REFRESH_MS)
    return () => clearInterval(timer)
  }, [revalidator])

  if (!territory) return <p>{t('alerts.noTerritory')}</p>
  const numbered = alerts.map((a, i) => ({ ...a, number: i + 1 }))
  return (
    <div className="public-alerts" data-testid="public-alerts">
      <div className="public-heading">
        <h1>{t('alerts.title', { territory: territory.name })}</h1>
        <p className="muted small" data-testid="alerts-updated">
          {t('alerts.updated', { time: time(loadedAtMs) })}
          {territory.demo ? ` · ${t('demo')}` : ''}
        </p>
      </div>
      <div className="public-alerts-grid">
        <section aria-labelledby="alert-list-heading" className="public-alert-list-wrap">
          <h2 id="alert-list-heading" className="visually-hidden">
            {t('alerts.listHeading')}
          </h2>
          {numbered.length === 0 ? (
            <div className="public-empty card" data-testid="no-alerts">
              <p>
                <strong>{t('alerts.none', { territory: territory.name })}</strong>
              </p>
              <p>{t('alerts.noneHint')}</p>
              <p>
                <Link to="/subscribe" className="btn btn-primary">
                  {t('nav.subscribe')}
                </Link>{' '}
                <Link to="/prepare" className="btn">
                  {t('nav.prepare')}
                </Link>
              </p>
            </div>
          ) : (
            <ol className="public-alert-list" data-testid="alert-list">
              {numbered.map((a) => (
                <li key={a.identifier} className={`public-alert-item cap-border-${a.severity}`} data-testid="alert-item">
                  <span className="alert-number" aria-hidden="true">
                    {a.number}
                  </span>
                  <div>
                    <p className="badges">
                      <SeverityBadge severity={a.severity} /> <MsgTypeBadge msgType={a.msgType} />{' '}
                      <span className="muted small">{a.event}</span>
                    </p>
                    <h3>
                      <Link to={a.url} prefetch="none" data-testid="alert-link">
                        {a.headline}
                      </Link>
                    </h3>
                    {a.areas.length > 0 ? <p className="small">{a.areas.join(', ')}</p> : null}
                    <p className="muted small">
                      {a.expiresMs ? t('alerts.until', { time: time(a.expiresMs) }) : t('alerts.noExpiry')}
                    </p>
                  </div>
                </li>
              ))}
            </ol>
          )}
        </section>
        <section aria-label={t('map.heading')} className="public-map-wrap">
          <PublicMap
            territory={territory}
            alerts={numbered.map((a) => ({ identifier: a.identifier, number: a.number, severity: a.severity, geometry: a.geometry, headline: a.headline }))}
            mapStyleUrl={null}
            label={t('map.label', { territory: territory.name, count: numbered.length })}
          />
        </section>
      </div>
    </div>
  )
}
