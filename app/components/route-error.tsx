// The error card a page under the shell shows in its own ErrorBoundary (403, 404, anything else),
// so the shell and the map around it stay usable.
import { isRouteErrorResponse, Link, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'

export function RouteErrorCard({ testId }: { testId: string }) {
  const error = useRouteError()
  const { t } = useTranslation('errors')
  const status = isRouteErrorResponse(error) ? error.status : 500
  return (
    <main className="page">
      <div className="card" data-testid={testId}>
        <h1>{status}</h1>
        <p>{t(status === 404 ? 'notFound' : status === 403 ? 'forbidden' : 'unexpected')}</p>
        <Link to="/">{t('backHome')}</Link>
      </div>
    </main>
  )
}
