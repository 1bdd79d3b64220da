// The shelter registry for staff: every shelter with status and free places, filters by kind,
// status and accessibility (a GET form: works without JavaScript), CSV export and import, a new
// shelter, and (administrators) the switch for household records. Live: any change in the
// territory reloads the list.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useRevalidator } from '@remix-run/react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { userActor } from '#domain/auth/actor.ts'
import { can } from '#domain/auth/policy.ts'
import { readRealtimeCursor } from '#domain/realtime/read-realtime-events.ts'
import { prisma } from '#domain/runtime.ts'
import { listShelters } from '#domain/shelters/list-shelters.ts'
import { shelterKinds, shelterStatuses } from '#domain/shelters/schemas.ts'
import { getShelterSettings } from '#domain/shelters/shelter-settings.ts'
import { updateShelterSettings } from '#domain/shelters/update-shelter-settings.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import { useRealtime } from '~/components/realtime'
import { FreePlaces, ShelterStatusBadge } from '~/components/shelters/shelter-badges'
import { useFormat } from '~/components/incidents/format'
import { clientIp, requireUserWithPermission } from '~/utils/auth.server'
import { formToObject } from '~/utils/form'
import '~/components/shelters/shelters.css'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

type Kind = (typeof shelterKinds)[number]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, 'read:shelter:any')
  const db = prisma()
  const realtimeCursor = (await readRealtimeCursor({ prisma: db })).toString()
  const territory = await getDefaultTerritory({ prisma: db })
  const url = new URL(request.url)
  const kind = url.searchParams.get('kind')
  const status = url.searchParams.get('status')
  const filter = {
    kinds: shelterKinds.includes(kind as Kind) ? [kind as Kind] : undefined,
    statuses: (shelterStatuses as readonly string[]).includes(status ?? '') ? [status as string] : undefined,
    stepFree: url.searchParams.has('stepFree'),
    accessibleToilet: url.searchParams.has('accessibleToilet'),
    petsAllowed: url.searchParams.has('petsAllowed'),
  }
  const actor = userActor(user)
  const shelters = territory ? await listShelters({ prisma: db, actor, territoryId: territory.id, filter }) : []
  const settings = await getShelterSettings({ prisma: db })
  return {
    shelters,
    filter: { kind: kind ?? '', status: status ?? '', stepFree: filter.stepFree, accessibleToilet: filter.accessibleToilet, petsAllowed: filter.petsAllowed },
    territoryId: territory?.id ?? null,
    households: settings.households,
    can: { manage: can(user.role, 'manage:shelter:any'), settings: can(user.role, 'manage:settings:any') },
    realtimeCursor,
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWithPermission(request, 'manage:settings:any')
  const values = formToObject(await request.formData())
  await updateShelterSettings({ prisma: prisma(), actor: userActor(user, clientIp(context)), input: values })
  return { ok: true }
}

export default function ShelterList() {
  const { shelters, filter, territoryId, households, can: allowed, realtimeCursor } = useLoaderData<typeof loader>()
  const { t } = useTranslation('shelters')
  const format = useFormat()
  const revalidator = useRevalidator()
  const [since] = useState(realtimeCursor)
  useRealtime(territoryId ? [`territory:${territoryId}`] : [], () => revalidator.revalidate(), { since })
  const totals = shelters.reduce((acc, s) => ({ free: acc.free + s.freePlaces, inside: acc.inside + s.occupancy }), { free: 0, inside: 0 })

  return (
    <main className="page shelters-page" data-testid="shelter-list-page">
      <div className="side-head">
        <div>
          <h1>{t('list.heading')}</h1>
          <p className="muted small" data-testid="shelter-totals">
            {t('list.totals', { count: shelters.length, free: totals.free, inside: totals.inside })}
          </p>
        </div>
        <div className="actions">
          <a href="/shelters/export.csv" className="btn" data-testid="shelter-export" download>
            {t('list.export')}
          </a>
          {allowed.manage ? (
            <>
              <Link to="/shelters/import" className="btn" data-testid="shelter-import">
                {t('list.import')}
              </Link>
              <Link to="/shelters/new" className="btn btn-primary" data-testid="shelter-new">
                {t('list.new')}
              </Link>
            </>
          ) : null}
        </div>
      </div>
      <Form method="get" className="card filter-bar" data-testid="shelter-filter">
        <label>
          {t('fields.kind')}{' '}
          <select name="kind" defaultValue={filter.kind}>
            <option value="">{t('list.allKinds')}</option>
            {shelterKinds.map((k) => (
              <option key={k} value={k}>
                {t(`kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('list.status')}{' '}
          <select name="status" defaultValue={filter.status}>
            <option value="">{t('list.allStatuses')}</option>
            {shelterStatuses.map((s) => (
              <option key={s} value={s}>
                {t(`statuses.${s}`)}
              </option>
            ))}
          </select>
        </label>
        {(['stepFree', 'accessibleToilet', 'petsAllowed'] as const).map((f) => (
          <label key={f} className="checkbox">
            <input type="checkbox" name={f} defaultChecked={filter[f]} /> {t(`fields.${f}`)}
          </label>
        ))}
        <button type="submit" className="btn btn-small">
          {t('list.apply')}
        </button>
      </Form>
      {shelters.length === 0 ? (
        <p className="muted" data-testid="shelter-list-empty">
          {t('list.empty')}
        </p>
      ) : (
        <table className="table shelter-table" data-testid="shelter-table">
          <thead>
            <tr>
              <th>{t('fields.name')}</th>
              <th>{t('fields.kind')}</th>
              <th>{t('list.status')}</th>
              <th>{t('list.places')}</th>
              <th>{t('fields.address')}</th>
              <th>{t('list.lastInspection')}</th>
            </tr>
          </thead>
          <tbody>
            {shelters.map((s) => (
              <tr key={s.id} data-testid="shelter-row" data-code={s.code}>
                <td>
                  <Link to={`/shelters/${s.id}`}>{s.name}</Link>
                  <div className="muted small">{s.code}</div>
                </td>
                <td>{t(`kinds.${s.kind}`)}</td>
                <td>
                  <ShelterStatusBadge status={s.status} />
                </td>
                <td>
                  <FreePlaces status={s.status} freePlaces={s.freePlaces} capacity={s.capacity} />
                </td>
                <td>{s.address}</td>
                <td className="small">{s.lastInspectionAt ? format.dateTime(s.lastInspectionAt) : t('list.never')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {allowed.settings ? (
        <Form method="post" className="card narrow-card" data-testid="households-setting">
          <h2>{t('list.householdsHeading')}</h2>
          <p className="small muted">{t('list.householdsHint')}</p>
          <p>
            <strong>{households ? t('list.householdsOn') : t('list.householdsOff')}</strong>
          </p>
          <input type="hidden" name="households" value={households ? 'false' : 'true'} />
          <button type="submit" className="btn btn-small" data-testid="households-toggle">
            {households ? t('list.householdsDisable') : t('list.householdsEnable')}
          </button>
        </Form>
      ) : null}
    </main>
  )
}
