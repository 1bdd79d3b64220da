import { useTranslation } from 'react-i18next'
import { shelterStatusColors } from './shelter-colors'

export function ShelterStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation('shelters')
  return (
    <span className="badge shelter-status" style={{ background: shelterStatusColors[status] ?? '#6b7280', color: '#fff' }} data-testid="shelter-status" data-status={status}>
      {t(`statuses.${status}`)}
    </span>
  )
}

/** "12 free of 150" for open shelters, the status otherwise. */
export function FreePlaces({ status, freePlaces, capacity }: { status: string; freePlaces: number; capacity: number }) {
  const { t } = useTranslation('shelters')
  if (status !== 'OPEN' && status !== 'FULL') return <span className="muted small">{t('list.capacity', { count: capacity })}</span>
  return (
    <span className={freePlaces > 0 ? 'free-places' : 'free-places none'} data-testid="free-places">
      {t('list.freeOf', { free: freePlaces, capacity })}
    </span>
  )
}

export const flagNames = ['stepFree', 'accessibleToilet', 'petsAllowed', 'powerBackup', 'water', 'heating', 'beds', 'firstAid'] as const

export function ShelterFlags({ shelter }: { shelter: { stepFree: boolean; accessibleToilet: boolean; petsAllowed: boolean; amenities: Record<string, boolean> } }) {
  const { t } = useTranslation('shelters')
  const on = flagNames.filter((f) => (f in shelter.amenities ? shelter.amenities[f] : shelter[f as 'stepFree' | 'accessibleToilet' | 'petsAllowed']))
  if (!on.length) return null
  return (
    <ul className="shelter-flags" aria-label={t('detail.features')}>
      {on.map((f) => (
        <li key={f} data-flag={f}>
          {t(`fields.${f}`)}
        </li>
      ))}
    </ul>
  )
}
