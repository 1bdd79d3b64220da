// /shelter-check-in/{token}: what a resident's phone opens from the QR poster at a shelter. One
// button counts them (and the people with them) as arrived; no account, no name, nothing about
// the person is kept. A replay from the same device within the window counts nothing
// (domain/shelters/qr-check-in.ts). Works without JavaScript (a plain POST form).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { isAppError } from '#domain/errors.ts'
import { prisma } from '#domain/runtime.ts'
import { qrCheckIn } from '#domain/shelters/qr-check-in.ts'
import { toPublicShelter } from '#domain/shelters/serialize.ts'
import { FreePlaces, ShelterStatusBadge } from '~/components/shelters/shelter-badges'
import { clientIp } from '~/utils/auth.server'
import '~/components/shelters/shelters.css'

export const meta: MetaFunction = () => [{ title: 'Sargs' }, { name: 'robots', content: 'noindex' }]

export async function loader({ params }: LoaderFunctionArgs) {
  const token = params.token ?? ''
  const row = /^[A-Za-z0-9_-]{16,64}$/.test(token) ? await prisma().shelter.findUnique({ where: { qrToken: token } }) : null
  if (!row) throw new Response('Not Found', { status: 404 })
  const { name, address, status, freePlaces, capacity } = toPublicShelter(row, new Date())
  return { shelter: { name, address, status, freePlaces, capacity } }
}

/** qrLimits.maxPeople (domain/shelters/qr-check-in.ts; the domain refuses more) */
const MAX_PEOPLE = 10

type Answer = { result: 'counted' | 'already' | 'notOpen' | 'invalid'; freePlaces?: number }

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await request.formData()
  try {
    const shelter = await qrCheckIn({ prisma: prisma(), token: params.token ?? '', input: { people: form.get('people') ?? 1 }, clientIp: clientIp(context) })
    return { result: 'counted', freePlaces: shelter.freePlaces } satisfies Answer
  } catch (error) {
    if (isAppError(error) && error.code === 'RATE_LIMITED') return data({ result: 'already' } satisfies Answer, { status: 429, headers: { 'Retry-After': String(error.retryAfterSeconds ?? 60) } })
    if (isAppError(error) && error.code === 'CONFLICT') return data({ result: 'notOpen' } satisfies Answer, { status: 409 })
    if (isAppError(error) && error.code === 'INVALID_INPUT') return data({ result: 'invalid' } satisfies Answer, { status: 422 })
    if (isAppError(error) && error.code === 'NOT_FOUND') throw new Response('Not Found', { status: 404 })
    throw error
  }
}

export default function ShelterCheckIn() {
  const { shelter } = useLoaderData<typeof loader>()
  const answer = useActionData<typeof action>() as Answer | undefined
  const { t } = useTranslation('shelters')
  const open = shelter.status === 'OPEN' || shelter.status === 'FULL'
  return (
    <div className="card check-in-card" data-testid="check-in-page">
      <p>
        <ShelterStatusBadge status={shelter.status} />
      </p>
      <h1>{shelter.name}</h1>
      <p className="muted">{shelter.address}</p>
      <FreePlaces status={shelter.status} freePlaces={answer?.freePlaces ?? shelter.freePlaces} capacity={shelter.capacity} />
      {answer?.result === 'counted' ? (
        <p className="big" role="status" data-testid="check-in-done">
          {t('checkIn.done')}
        </p>
      ) : answer?.result === 'already' ? (
        <p role="status" data-testid="check-in-already">
          {t('checkIn.already')}
        </p>
      ) : !open || answer?.result === 'notOpen' ? (
        <p role="status" data-testid="check-in-closed">
          {t('checkIn.notOpen')}
        </p>
      ) : (
        <Form method="post" className="finder-form" data-testid="check-in-form">
          <p>{t('checkIn.intro')}</p>
          <label htmlFor="check-in-people">{t('checkIn.people')}</label>
          <select id="check-in-people" name="people" defaultValue="1" style={{ width: 'auto', margin: '0 auto' }}>
            {Array.from({ length: MAX_PEOPLE }, (_, i) => i + 1).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          <button type="submit" className="btn btn-primary" data-testid="check-in-submit">
            {t('checkIn.submit')}
          </button>
          <p className="small muted">{t('checkIn.privacy')}</p>
        </Form>
      )}
      <Link to="/find-shelter">{t('checkIn.finder')}</Link>
    </div>
  )
}
