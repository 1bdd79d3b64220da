// CSV import of the registry (manage:shelter:any): a file (or pasted text); all or nothing. The
// answer lists every error by line and column, or how many shelters were created and updated.
// The request body is refused above the domain's size cap before it is read.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { userActor } from '#domain/auth/actor.ts'
import { prisma } from '#domain/runtime.ts'
import { csvColumns } from '#domain/shelters/csv-columns.ts'
import { importLimits, importSheltersCsv, type ImportError } from '#domain/shelters/import-shelters-csv.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import { clientIp, requireUserWithPermission } from '~/utils/auth.server'
import { getLanguage } from '~/utils/i18n.server'
import '~/components/shelters/shelters.css'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, 'manage:shelter:any')
  const language = await getLanguage(request)
  return { columns: csvColumns.map((c) => ({ name: c[language], required: c.required })), maxBytes: importLimits.maxBytes }
}

type Answer = { ok: true; created: number; updated: number } | { ok: false; errors: ImportError[] }

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWithPermission(request, 'manage:shelter:any')
  const tooLarge = (): Answer => ({ ok: false, errors: [{ line: 0, column: '', field: 'file', message: 'shelters:errors.fileTooLarge' }] })
  const length = Number(request.headers.get('Content-Length') ?? 'NaN')
  if (!Number.isFinite(length) || length > importLimits.maxBytes + 64_000) return data(tooLarge(), { status: 413 })
  const form = await request.formData()
  const file = form.get('file')
  const pasted = form.get('text')
  let text = ''
  if (file && typeof file !== 'string' && file.size > 0) {
    if (file.size > importLimits.maxBytes) return data(tooLarge(), { status: 413 })
    text = await file.text()
  } else if (typeof pasted === 'string') text = pasted
  const territory = await getDefaultTerritory({ prisma: prisma() })
  if (!territory) throw new Response('No territory', { status: 409 })
  const result: Answer = await importSheltersCsv({ prisma: prisma(), actor: userActor(user, clientIp(context)), territoryId: territory.id, text })
  return data(result, { status: result.ok ? 200 : 422 })
}

export default function ImportShelters() {
  const actionData = useActionData<typeof action>() as Answer | undefined
  const { columns } = useLoaderData<typeof loader>()
  const navigation = useNavigation()
  const { t } = useTranslation('shelters')
  return (
    <main className="page shelters-page">
      <Link to="/shelters" className="small">
        ← {t('detail.back')}
      </Link>
      <Form method="post" encType="multipart/form-data" className="card shelter-form" data-testid="import-form">
        <h1>{t('import.heading')}</h1>
        <p className="small">{t('import.hint')}</p>
        <p className="small muted" data-testid="import-columns">
          {t('import.columns')}: {columns.map((c) => (c.required ? `${c.name} *` : c.name)).join(', ')}
        </p>
        <div className="field">
          <label htmlFor="import-file">{t('import.file')}</label>
          <input id="import-file" type="file" name="file" accept=".csv,text/csv" />
        </div>
        <div className="field">
          <label htmlFor="import-text">{t('import.paste')}</label>
          <textarea id="import-text" name="text" rows={5} />
        </div>
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={navigation.state === 'submitting'} data-testid="import-submit">
            {t('import.submit')}
          </button>
        </div>
      </Form>
      {actionData?.ok ? (
        <p className="card" role="status" data-testid="import-done">
          {t('import.done', { created: actionData.created, updated: actionData.updated })}
        </p>
      ) : null}
      {actionData && !actionData.ok ? (
        <section className="card" role="alert" data-testid="import-errors">
          <h2>{t('import.errorsHeading')}</h2>
          <p>{t('import.nothingImported')}</p>
          <table className="import-errors">
            <thead>
              <tr>
                <th>{t('import.line')}</th>
                <th>{t('import.column')}</th>
                <th>{t('import.problem')}</th>
              </tr>
            </thead>
            <tbody>
              {actionData.errors.map((e, i) => (
                <tr key={i} data-testid="import-error" data-line={e.line} data-field={e.field}>
                  <td>{e.line || '—'}</td>
                  <td>{e.column || '—'}</td>
                  <td>{t(e.message)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </main>
  )
}
