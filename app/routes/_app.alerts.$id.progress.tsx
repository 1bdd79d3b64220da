// One issued alert for staff: its delivery progress per channel, live (alert.progress in the
// alert's room, published by the progress ticker from the ledger, whichever process sends), the
// delivery report a page at a time with its CSV download, the CAP message as issued, and the
// follow-ups (Update, Cancel, All clear) that open the composer referring to this alert.
// At /alerts/<id>/progress: /alerts/<identifier> is the residents' page of the alert.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { can } from '#domain/auth/policy.ts'
import { getAlertProgress } from '#domain/deliveries/get-alert-progress.ts'
import { getIssuedAlert } from '#domain/deliveries/get-issued-alert.ts'
import { listDeliveryReport } from '#domain/deliveries/list-delivery-report.ts'
import { readRealtimeCursor } from '#domain/realtime/read-realtime-events.ts'
import { prisma } from '#domain/runtime.ts'
import type { DeliveryStatus } from '#generated/prisma/enums.ts'
import { ProgressPanel } from '~/components/alerts/progress-panel'
import { useAlertFormat } from '~/components/alerts/progress-format'
import { useLiveProgress } from '~/components/alerts/progress-live'
import { CapDetails } from '~/components/alerts/progress-cap-details'
import { ReportTable } from '~/components/alerts/report-table'
import { requireUserWithPermission } from '~/utils/auth.server'
import { asHttpError } from '~/utils/http.server'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

const statuses: DeliveryStatus[] = ['PENDING', 'SENDING', 'SENT', 'FAILED', 'DEAD', 'CANCELLED']
const PAGE = 50

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, 'read:alert:any')
  const db = prisma()
  const url = new URL(request.url)
  // the cursor BEFORE the data: a reading published meanwhile arrives live
  const realtimeCursor = (await readRealtimeCursor({ prisma: db })).toString()
  const alert = await getIssuedAlert({ prisma: db, id: params.id ?? '' }).catch(asHttpError)
  const status = statuses.find((s) => s === url.searchParams.get('status')) ?? null
  const after = url.searchParams.get('after')
  const [progress, report] = await Promise.all([
    getAlertProgress({ prisma: db, alertId: alert.id }),
    listDeliveryReport({ prisma: db, alertId: alert.id, after: after && /^\d{1,19}$/.test(after) ? after : null, limit: PAGE, statuses: status ? [status] : undefined }),
  ])
  const mayFollowUp =
    !alert.cancelled && !alert.supersededBy && alert.msgType !== 'Cancel' &&
    (can(user.role, 'create:alert:any') || (alert.status === 'Exercise' && can(user.role, 'create:alert:exercise')))
  return { alert, progress, report, status, paged: Boolean(after), realtimeCursor, mayFollowUp }
}

export default function AlertProgressPage() {
  const { alert, progress: initial, report, status, paged, realtimeCursor, mayFollowUp } = useLoaderData<typeof loader>()
  const { t } = useTranslation('alerts')
  const f = useAlertFormat()
  const [since] = useState(realtimeCursor)
  const { progress } = useLiveProgress(initial, since)
  const headlines = Object.fromEntries(alert.cap.info.map((i) => [i.language.slice(0, 2), i.headline ?? i.event]))
  const headline = f.headline(headlines) ?? alert.identifier
  const compose = (query: string) => `/alerts/new?references=${encodeURIComponent(alert.id)}&${query}`
  const query = (extra: Record<string, string | null>) => {
    const q = new URLSearchParams()
    for (const [k, v] of Object.entries({ status, ...extra })) if (v) q.set(k, v)
    const s = q.toString()
    return s ? `?${s}` : '?'
  }
  return (
    <main className="page alert-page" data-testid="alert-progress-page">
      <Link to="/alerts">← {t('progress.back')}</Link>
      <header className="alert-title">
        <div className="alert-badges">
          <span className={`badge cap-${alert.status}`} data-testid="alert-status">{t(`list.capStatus.${alert.status}`)}</span>
          <span className="badge">{t(`list.msgType.${alert.msgType}`)}</span>
          <span className={`badge sev-${alert.severity}`}>{t(`list.severity.${alert.severity}`)}</span>
          <span className="muted small">{f.dateTime(alert.createdAt)}</span>
        </div>
        <h1 data-testid="alert-headline">{headline}</h1>
        <code className="muted small">{alert.identifier}</code>
      </header>
      {progress.exercise ? <p className="alert-notice">{t('progress.exerciseNote', { status: t(`list.capStatus.${alert.status}`) })}</p> : null}
      {alert.supersededBy ? (
        <p className="alert-notice">
          <Link to={`/alerts/${alert.supersededBy.id}/progress`}>
            {t('progress.supersededBy', { msgType: t(`list.msgType.${alert.supersededBy.msgType}`), identifier: alert.supersededBy.identifier })}
          </Link>
        </p>
      ) : alert.cancelled ? (
        <p className="alert-notice">{t('progress.cancelledNote')}</p>
      ) : null}
      {mayFollowUp ? (
        <nav className="alert-actions" aria-label={t('progress.actions.label')}>
          <Link className="btn" to={compose('msgType=Update')} data-testid="follow-up-update">{t('progress.actions.update')}</Link>
          <Link className="btn btn-danger" to={compose('msgType=Cancel')} data-testid="follow-up-cancel">{t('progress.actions.cancel')}</Link>
          <Link className="btn" to={compose('template=all-clear')} data-testid="follow-up-all-clear">{t('progress.actions.allClear')}</Link>
        </nav>
      ) : null}

      <section className="card stack" aria-labelledby="progress-heading">
        <h2 id="progress-heading">{t('progress.heading')}</h2>
        <ProgressPanel progress={progress} />
      </section>

      <section className="stack" aria-labelledby="report-heading" id="report">
        <div className="report-toolbar">
          <h2 id="report-heading">{t('report.heading')}</h2>
          <Form method="get" className="report-filter">
            <label htmlFor="report-status">{t('report.filter')}</label>
            <select id="report-status" name="status" defaultValue={status ?? ''} onChange={(e) => e.currentTarget.form?.requestSubmit()}>
              <option value="">{t('report.all')}</option>
              {statuses.map((s) => (
                <option key={s} value={s}>{t(`report.deliveryStatus.${s}`)}</option>
              ))}
            </select>
            <noscript>
              <button type="submit" className="btn btn-small">{t('report.filter')}</button>
            </noscript>
          </Form>
          <a className="btn" href={`/alerts/${alert.id}/report.csv`} download data-testid="report-download">
            {t('report.download')}
          </a>
        </div>
        <p className="muted small">{t('report.pseudonymHint')}</p>
        <ReportTable rows={report.rows} />
        <nav className="pager">
          {paged ? <Link to={`${query({})}#report`} preventScrollReset>{t('report.first')}</Link> : null}
          {report.next ? (
            <Link to={`${query({ after: report.next })}#report`} preventScrollReset data-testid="report-next">{t('report.next')} →</Link>
          ) : null}
        </nav>
      </section>

      <section className="card" aria-labelledby="cap-heading">
        <h2 id="cap-heading">{t('progress.details.heading')}</h2>
        <CapDetails alert={alert} />
      </section>
    </main>
  )
}
