// The audit log (read:audit:any): newest entries first, paged by seq, with the state of the hash
// chain (verified on every visit; `sargs audit verify` does the same from the command line).
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { listAudit } from '#domain/audit/list-audit.ts'
import { verifyAuditChain } from '#domain/audit/verify-audit.ts'
import { prisma } from '#domain/runtime.ts'
import { defaultLanguage, intlLocale, isLanguage } from '~/i18n'
import { requireUserWithPermission } from '~/utils/auth.server'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

const PAGE_SIZE = 50

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, 'read:audit:any')
  const before = new URL(request.url).searchParams.get('before')
  const beforeSeq = before && /^\d{1,19}$/.test(before) ? BigInt(before) : null
  const [page, verification] = await Promise.all([
    listAudit({ prisma: prisma(), beforeSeq, pageSize: PAGE_SIZE }),
    verifyAuditChain(prisma()),
  ])
  return {
    entries: page.entries.map((e) => ({
      seq: e.seq.toString(),
      at: e.at.toISOString(),
      actor: e.actorName ?? e.actorLabel,
      actorLabel: e.actorLabel,
      action: e.action,
      entity: e.entityType ? `${e.entityType}${e.entityId ? ` ${e.entityId.slice(0, 12)}` : ''}` : '',
      ip: e.ip,
      data: JSON.stringify(e.data),
    })),
    total: page.total,
    nextBefore: page.nextBeforeSeq?.toString() ?? null,
    first: beforeSeq === null,
    verification: verification.ok
      ? { ok: true as const, count: verification.count }
      : { ok: false as const, count: verification.count, brokenAtSeq: verification.brokenAtSeq.toString(), reason: verification.reason },
  }
}

export default function Audit() {
  const { entries, total, nextBefore, first, verification } = useLoaderData<typeof loader>()
  const { t, i18n } = useTranslation('admin')
  const language = isLanguage(i18n.language) ? i18n.language : defaultLanguage
  const date = new Intl.DateTimeFormat(intlLocale[language], { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Riga' })
  const number = new Intl.NumberFormat(intlLocale[language])
  return (
    <main className="page stack">
      <h1>{t('audit.title')}</h1>
      <div className={verification.ok ? 'card' : 'card form-error'} role="status" data-testid="audit-verification" data-ok={verification.ok}>
        {verification.ok
          ? t('audit.chainOk', { count: verification.count, formatted: number.format(verification.count) })
          : t('audit.chainBroken', { seq: verification.brokenAtSeq, reason: t(`audit.reasons.${verification.reason}`) })}
      </div>
      <p className="muted small">{t('audit.total', { count: total, formatted: number.format(total) })}</p>
      <table className="data" data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t('audit.at')}</th>
            <th scope="col">{t('audit.actor')}</th>
            <th scope="col">{t('audit.action')}</th>
            <th scope="col">{t('audit.entity')}</th>
            <th scope="col">{t('audit.ip')}</th>
            <th scope="col">{t('audit.data')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.seq} data-testid="audit-row" data-action={e.action}>
              <td>{e.seq}</td>
              <td style={{ whiteSpace: 'nowrap' }}>{date.format(new Date(e.at))}</td>
              <td title={e.actorLabel}>{e.actor}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td className="small">{e.entity}</td>
              <td className="small">{e.ip ?? ''}</td>
              <td className="small">
                <code style={{ wordBreak: 'break-all' }}>{e.data === '{}' ? '' : e.data}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav className="row" aria-label={t('audit.paging')}>
        {!first ? (
          <Link to="/audit" className="btn">
            {t('audit.newest')}
          </Link>
        ) : null}
        {nextBefore ? (
          <Link to={`/audit?before=${nextBefore}`} className="btn" data-testid="audit-older">
            {t('audit.older')}
          </Link>
        ) : null}
      </nav>
    </main>
  )
}
