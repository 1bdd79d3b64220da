// /find-shelter: the public shelter finder (no account, lv/en/ru). Without JavaScript it is a GET
// form: pick a neighbourhood (or type coordinates), tick filters, get the nearest open shelters
// with free places as a list sorted by distance and a server-drawn map. With JavaScript, "use my
// location" asks the device and a click on the map picks a point. Public fields only.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useNavigate, useSearchParams } from '@remix-run/react'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { prisma } from '#domain/runtime.ts'
import { findNearestShelters } from '#domain/shelters/find-nearest-shelters.ts'
import { shelterKinds } from '#domain/shelters/schemas.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import { listNamedAreas } from '#domain/territory/list-named-areas.ts'
import { useFormat } from '~/components/incidents/format'
import { FinderMap } from '~/components/shelters/finder-map'
import { ShelterFlags, ShelterStatusBadge } from '~/components/shelters/shelter-badges'
import { shelterStatusColors } from '~/components/shelters/shelter-colors'
import '~/components/shelters/shelters.css'

type Kind = (typeof shelterKinds)[number]

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  const q = url.searchParams
  const db = prisma()
  const territory = await getDefaultTerritory({ prisma: db })
  if (!territory) return { territory: null, areas: [], shelters: [], origin: null, originLabel: null, filters: null }
  const areas = await listNamedAreas({ prisma: db, territoryId: territory.id })
  let origin: [number, number] | null = null
  let originLabel: string | null = null
  // the point: lat/lon (not "lng", which is the page's language)
  const lat = Number(q.get('lat'))
  const lng = Number(q.get('lon'))
  if (q.get('lat') && q.get('lon') && Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
    origin = [lng, lat]
  } else if (q.get('area')) {
    const area = areas.find((a) => a.id === q.get('area'))
    if (area) {
      origin = area.labelAt
      originLabel = area.name
    }
  }
  const kindParam = q.get('kind')
  const kind: Kind | null = shelterKinds.includes(kindParam as Kind) ? (kindParam as Kind) : null
  const filters = {
    area: q.get('area') ?? '',
    kind: kind ?? '',
    stepFree: q.has('stepFree'),
    accessibleToilet: q.has('accessibleToilet'),
    petsAllowed: q.has('petsAllowed'),
    all: q.has('all'),
  }
  const shelters = await findNearestShelters({
    prisma: db,
    territoryId: territory.id,
    point: origin,
    all: filters.all,
    filter: { kinds: kind ? [kind] : undefined, stepFree: filters.stepFree, accessibleToilet: filters.accessibleToilet, petsAllowed: filters.petsAllowed },
    limit: 10,
  })
  return {
    territory: { name: territory.name, demo: territory.demo, boundary: territory.boundary },
    areas: areas.map((a) => ({ id: a.id, name: a.name, geometry: a.geometry, labelAt: a.labelAt })),
    shelters,
    origin,
    originLabel,
    filters,
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Sargs · ${data?.territory?.name ?? ''}` }]

export default function FindShelter() {
  const { territory, areas, shelters, origin, originLabel, filters } = useLoaderData<typeof loader>()
  const { t } = useTranslation('shelters')
  const format = useFormat()
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const [locating, setLocating] = useState<'idle' | 'busy' | 'failed'>('idle')
  const [scripted, setScripted] = useState(false)
  useEffect(() => setScripted(true), [])
  if (!territory || !filters) return <p>{t('public.noTerritory')}</p>

  function goTo(point: [number, number]) {
    const next = new URLSearchParams(params)
    next.delete('area')
    next.set('lat', String(point[1]))
    next.set('lon', String(point[0]))
    navigate(`?${next.toString()}`, { preventScrollReset: true })
  }
  function locate() {
    if (!('geolocation' in navigator)) return setLocating('failed')
    setLocating('busy')
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating('idle')
        goTo([Math.round(pos.coords.longitude * 1e4) / 1e4, Math.round(pos.coords.latitude * 1e4) / 1e4])
      },
      () => setLocating('failed'),
      { enableHighAccuracy: false, timeout: 15_000, maximumAge: 300_000 },
    )
  }

  const numbered = shelters.map((s, i) => ({ ...s, number: i + 1 }))
  return (
    <div className="finder" data-testid="shelter-finder">
      <div className="public-heading">
        <h1>{t('public.title')}</h1>
        <p className="muted">{t('public.intro', { territory: territory.name })}</p>
      </div>
      <Form method="get" className="card finder-form" data-testid="finder-form">
        {params.get('lng') ? <input type="hidden" name="lng" value={params.get('lng') ?? ''} /> : null}
        <div className="row">
          <div className="field">
            <label htmlFor="finder-area">{t('public.area')}</label>
            <select id="finder-area" name="area" defaultValue={filters.area} data-testid="finder-area">
              <option value="">{t('public.chooseArea')}</option>
              {areas.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </div>
          {scripted ? (
            <button type="button" className="btn" onClick={locate} data-testid="finder-locate" disabled={locating === 'busy'}>
              {locating === 'busy' ? t('public.locating') : t('public.useLocation')}
            </button>
          ) : null}
          <div className="field">
            <label htmlFor="finder-kind">{t('fields.kind')}</label>
            <select id="finder-kind" name="kind" defaultValue={filters.kind}>
              <option value="">{t('list.allKinds')}</option>
              {shelterKinds.map((k) => (
                <option key={k} value={k}>
                  {t(`kinds.${k}`)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="row">
          {(['stepFree', 'accessibleToilet', 'petsAllowed'] as const).map((f) => (
            <label key={f} className="checkbox">
              <input type="checkbox" name={f} defaultChecked={filters[f]} data-testid={`finder-${f}`} /> {t(`fields.${f}`)}
            </label>
          ))}
          <label className="checkbox">
            <input type="checkbox" name="all" defaultChecked={filters.all} data-testid="finder-all" /> {t('public.showAll')}
          </label>
          <button type="submit" className="btn btn-primary" data-testid="finder-submit">
            {t('public.search')}
          </button>
        </div>
        {locating === 'failed' ? (
          <p className="form-error" role="alert">
            {t('public.locationFailed')}
          </p>
        ) : null}
      </Form>
      <p className="small" data-testid="finder-origin-text">
        {origin ? (originLabel ? t('public.fromArea', { area: originLabel }) : t('public.fromPoint', { lat: origin[1].toFixed(4), lon: origin[0].toFixed(4) })) : t('public.noPoint')}
      </p>
      <div className="finder-grid">
        <section aria-labelledby="finder-results">
          <h2 id="finder-results">{filters.all ? t('public.allHeading') : t('public.openHeading')}</h2>
          {numbered.length === 0 ? (
            <div className="card" data-testid="finder-none">
              <p>
                <strong>{filters.all ? t('public.noneAll') : t('public.none')}</strong>
              </p>
              {!filters.all ? <p>{t('public.noneHint')}</p> : null}
              <p className="emergency">{t('public.emergency')}</p>
            </div>
          ) : (
            <ol className="finder-list" data-testid="finder-list">
              {numbered.map((s) => (
                <li key={s.id} className="finder-item" style={{ borderLeftColor: shelterStatusColors[s.status] }} data-testid="finder-item" data-status={s.status}>
                  <span className="num" style={{ background: shelterStatusColors[s.status] }} aria-hidden="true">
                    {s.number}
                  </span>
                  <div>
                    <h3>{s.name}</h3>
                    <p className="meta">
                      <ShelterStatusBadge status={s.status} />
                      {s.status === 'OPEN' || s.status === 'FULL' ? (
                        <strong className={s.freePlaces > 0 ? 'free-places' : 'free-places none'} data-testid="finder-free">
                          {t('public.free', { count: s.freePlaces })}
                        </strong>
                      ) : null}
                      {origin ? <span data-testid="finder-distance">{format.distance(s.distanceM)}</span> : null}
                      <span className="muted">{t(`kinds.${s.kind}`)}</span>
                    </p>
                    <p className="small">{s.address}</p>
                    <ShelterFlags shelter={s} />
                    <p className="small">
                      <a href={`https://www.openstreetmap.org/directions?to=${s.lat}%2C${s.lng}`} rel="noopener noreferrer" target="_blank">
                        {t('public.directions')}
                      </a>
                    </p>
                  </div>
                </li>
              ))}
            </ol>
          )}
        </section>
        <section aria-label={t('public.mapLabel')}>
          <FinderMap
            boundary={territory.boundary}
            areas={areas}
            shelters={numbered.map((s) => ({ id: s.id, number: s.number, name: s.name, status: s.status, at: [s.lng, s.lat] }))}
            origin={origin}
            onPick={scripted ? goTo : undefined}
            label={t('public.mapLabel')}
          />
          <p className="small muted">
            {territory.demo ? `${t('public.demo')} · ` : ''}
            <a href="/api/shelters">GeoJSON</a> · <Link to="/public">{t('public.alertsLink')}</Link>
          </p>
        </section>
      </div>
    </div>
  )
}
