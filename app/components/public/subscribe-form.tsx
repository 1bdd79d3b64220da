// The subscribe form (browser logic in push-client.ts). Places are a list of choices — a tap on
// the map, the device's location, a named area (its sample points) — at most `maxPlaces` points
// in all; languages in order of preference (the page's language first); the lowest severity.
// The browser's permission prompt appears only when Subscribe is pressed. Alerts reach the
// resident as push notifications in this browser (JavaScript), or as SMS (sms-subscribe.tsx: the
// form is posted to the page's own action, also without JavaScript — then places are named areas).
import { useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Form, useNavigation } from '@remix-run/react'
import type { Position } from '#domain/geo/types.ts'
import { PublicMap } from './public-map'
import { currentSubscription, pushSupported, subscribe, unsubscribe, type SubscribeOutcome } from './push-client'
import { SmsSubscribe } from './sms-subscribe'
import type { SmsAnswer } from './sms-types'
import type { PlaceChoice, PublicTerritory } from './types'

type Area = { id: string; name: string; places: Position[]; geometry: PublicTerritory['boundary'] }

type Props = {
  territory: PublicTerritory
  areas: Area[]
  pageLanguage: string
  maxPlaces: number
  /** an SMS provider is configured on this server */
  smsAvailable: boolean
  /** the page action's last SMS answer */
  smsAnswer: SmsAnswer | undefined
}

const STORAGE_KEY = 'sargs.subscription'
const languages = ['lv', 'en', 'ru'] as const
const severities = ['Minor', 'Moderate', 'Severe', 'Extreme'] as const

type Stored = { endpoint: string; choices: PlaceChoice[]; languages: string[]; minSeverity: string }

type Status =
  | { kind: 'idle' }
  | { kind: 'working' }
  | { kind: 'subscribed' }
  | { kind: 'unsubscribed' }
  | { kind: 'message'; key: string; values?: Record<string, unknown>; tone: 'error' | 'info' }

/** Ray casting: is the point inside the territory? (The server allows a little tolerance.) */
function insidePolygonal(point: Position, boundary: PublicTerritory['boundary']): boolean {
  const polygons = boundary.type === 'Polygon' ? [boundary.coordinates] : boundary.coordinates
  const inRing = (ring: Position[]) => {
    let inside = false
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]
      const [xj, yj] = ring[j]
      if (yi > point[1] !== yj > point[1] && point[0] < ((xj - xi) * (point[1] - yi)) / (yj - yi) + xi) inside = !inside
    }
    return inside
  }
  return polygons.some((rings) => inRing(rings[0]) && !rings.slice(1).some(inRing))
}

function readStored(): Stored | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY)
    return raw ? (JSON.parse(raw) as Stored) : null
  } catch {
    return null
  }
}

/** The choices a form post without JavaScript came back with (the SMS answer echoes them). */
function initialChoices(answer: SmsAnswer | undefined, areas: Area[], pageLanguage: string) {
  const values = answer?.step === 'phone' ? answer.values : undefined
  const chosen = areas.filter((a) => values?.areas.includes(a.id)).map((a): PlaceChoice => ({ kind: 'area', label: a.name, places: a.places }))
  const langs = values?.languages.filter((l) => (languages as readonly string[]).includes(l)) ?? []
  const severity = values && (severities as readonly string[]).includes(values.minSeverity) ? values.minSeverity : 'Minor'
  return { chosen, langs: values ? langs : [pageLanguage], severity }
}

export function SubscribeForm({ territory, areas, pageLanguage, maxPlaces, smsAvailable, smsAnswer }: Props) {
  const { t } = useTranslation('public')
  const navigation = useNavigation()
  const [initial] = useState(() => initialChoices(smsAnswer, areas, pageLanguage))
  const [mounted, setMounted] = useState(false)
  const [choices, setChoices] = useState<PlaceChoice[]>(initial.chosen)
  const [chosenLanguages, setChosenLanguages] = useState<string[]>(initial.langs)
  const [minSeverity, setMinSeverity] = useState<string>(initial.severity)
  const [status, setStatus] = useState<Status>({ kind: 'idle' })
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>(smsAnswer?.step === 'phone' ? smsAnswer.errors : {})
  const [subscribedEndpoint, setSubscribedEndpoint] = useState<string | null>(null)
  const [placeMessage, setPlaceMessage] = useState<string | null>(null)
  const statusRef = useRef<HTMLDivElement>(null)

  // an SMS answer's field errors (places, languages) are shown where the push flow shows its own
  useEffect(() => {
    if (smsAnswer) setFieldErrors(smsAnswer.step === 'phone' ? smsAnswer.errors : {})
  }, [smsAnswer])

  // the outcome is shown at the top of the form: bring it into view
  useEffect(() => {
    if (status.kind === 'subscribed' || status.kind === 'unsubscribed') statusRef.current?.scrollIntoView({ block: 'center' })
  }, [status.kind])

  // this browser's subscription, and the choices it was made with
  useEffect(() => {
    setMounted(true)
    void currentSubscription().then((subscription) => {
      const stored = readStored()
      if (subscription && stored && stored.endpoint === subscription.endpoint) {
        setChoices(stored.choices)
        setChosenLanguages(stored.languages)
        setMinSeverity(stored.minSeverity)
        setSubscribedEndpoint(subscription.endpoint)
      } else if (subscription) {
        setSubscribedEndpoint(subscription.endpoint)
      }
    })
  }, [])

  const points = useMemo(() => choices.flatMap((c) => c.places), [choices])
  const full = points.length >= maxPlaces

  function addChoice(choice: PlaceChoice) {
    setFieldErrors({})
    if (!choice.places.every((p) => insidePolygonal(p, territory.boundary))) {
      setPlaceMessage(t('subscribe.places.outside', { territory: territory.name }))
      return
    }
    if (points.length + choice.places.length > maxPlaces) {
      setPlaceMessage(t('subscribe.places.full', { max: maxPlaces }))
      return
    }
    setPlaceMessage(null)
    setChoices((current) => [...current, choice])
  }

  function pickOnMap(place: Position) {
    const n = choices.filter((c) => c.kind === 'point').length + 1
    addChoice({ kind: 'point', label: t('subscribe.places.pointLabel', { n }), places: [place] })
  }

  function locateMe() {
    if (!('geolocation' in navigator)) {
      setPlaceMessage(t('subscribe.places.locationUnavailable'))
      return
    }
    setPlaceMessage(t('subscribe.places.locating'))
    navigator.geolocation.getCurrentPosition(
      (position) => addChoice({ kind: 'location', label: t('subscribe.places.myLocation'), places: [[position.coords.longitude, position.coords.latitude]] }),
      (error) => setPlaceMessage(t(error.code === error.PERMISSION_DENIED ? 'subscribe.places.locationDenied' : 'subscribe.places.locationUnavailable')),
      { enableHighAccuracy: false, timeout: 15_000, maximumAge: 300_000 },
    )
  }

  function toggleArea(area: Area, checked: boolean) {
    if (checked) addChoice({ kind: 'area', label: area.name, places: area.places })
    else setChoices((current) => current.filter((c) => !(c.kind === 'area' && c.label === area.name)))
  }

  function toggleLanguage(language: string, checked: boolean) {
    setChosenLanguages((current) => {
      const next = checked ? [...current, language] : current.filter((l) => l !== language)
      // the page's language first, then lv, en, ru
      return [...languages].filter((l) => next.includes(l)).sort((a, b) => (a === pageLanguage ? -1 : b === pageLanguage ? 1 : 0))
    })
  }

  function show(outcome: SubscribeOutcome) {
    switch (outcome.kind) {
      case 'subscribed': {
        const stored: Stored = { endpoint: outcome.endpoint, choices, languages: chosenLanguages, minSeverity }
        localStorage.setItem(STORAGE_KEY, JSON.stringify(stored))
        setSubscribedEndpoint(outcome.endpoint)
        setStatus({ kind: 'subscribed' })
        return
      }
      case 'unsupported':
        return setStatus({ kind: 'message', key: 'subscribe.unsupported', tone: 'error' })
      case 'denied':
        return setStatus({ kind: 'message', key: 'subscribe.permissionDenied', tone: 'error' })
      case 'invalid':
        setFieldErrors(outcome.errors)
        return setStatus({ kind: 'message', key: 'subscribe.invalid', tone: 'error' })
      case 'rate-limited':
        return setStatus({ kind: 'message', key: 'subscribe.rateLimited', values: { seconds: outcome.retryAfterSeconds }, tone: 'error' })
      case 'failed':
        console.warn('subscribing failed:', outcome.detail)
        return setStatus({ kind: 'message', key: 'subscribe.failed', tone: 'error' })
    }
  }

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    // the SMS steps are posted to the page's action (Remix submits the form with the pressed button)
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null
    if (submitter?.value.startsWith('sms-')) return
    event.preventDefault()
    if (points.length === 0) {
      setFieldErrors({ places: 'public:errors.placesRequired' })
      return
    }
    if (chosenLanguages.length === 0) {
      setFieldErrors({ languages: 'public:errors.languagesRequired' })
      return
    }
    setStatus({ kind: 'working' })
    show(await subscribe({ places: points, languages: chosenLanguages, minSeverity }))
  }

  async function onUnsubscribe() {
    setStatus({ kind: 'working' })
    const result = await unsubscribe()
    if (result === 'removed') {
      localStorage.removeItem(STORAGE_KEY)
      setSubscribedEndpoint(null)
      setStatus({ kind: 'unsubscribed' })
    } else {
      setStatus({ kind: 'message', key: result === 'rate-limited' ? 'subscribe.rateLimited' : 'subscribe.failed', values: { seconds: 60 }, tone: 'error' })
    }
  }

  const errorFor = (prefix: string) =>
    Object.entries(fieldErrors)
      .filter(([k]) => k === prefix || k.startsWith(`${prefix}.`))
      .map(([, key]) => t(key))[0]
  const placesError = errorFor('places')
  const otherErrors = Object.entries(fieldErrors)
    .filter(([k]) => !k.startsWith('places') && !k.startsWith('languages') && k !== 'minSeverity' && k !== 'phone' && k !== 'code' && k !== 'form')
    .map(([, key]) => t(key))
  const working = status.kind === 'working'
  const supported = mounted && pushSupported()
  const pendingIntent = navigation.state !== 'idle' && navigation.formData ? String(navigation.formData.get('intent') ?? '') : null

  return (
    <Form method="post" preventScrollReset className="subscribe-form stack" onSubmit={onSubmit} data-testid="subscribe-form" noValidate>
      <input type="hidden" name="places" value={JSON.stringify(points)} />
      <div ref={statusRef} />
      {subscribedEndpoint ? (
        <div className="notice ok" role="status" data-testid="subscribed">
          <p>{t(status.kind === 'subscribed' ? 'subscribe.subscribed' : 'subscribe.alreadySubscribed')}</p>
          <button type="button" className="btn btn-danger" onClick={onUnsubscribe} disabled={working} data-testid="unsubscribe">
            {t('subscribe.unsubscribe')}
          </button>
        </div>
      ) : null}
      {status.kind === 'unsubscribed' ? (
        <p className="notice" role="status" data-testid="unsubscribed">
          {t('subscribe.unsubscribed')}
        </p>
      ) : null}
      {mounted && !pushSupported() ? (
        <p className="notice" data-testid="push-unsupported">
          {t('subscribe.unsupported')}
        </p>
      ) : null}

      <fieldset className="subscribe-places">
        <legend>{t('subscribe.places.heading')}</legend>
        <p className="hint">{t('subscribe.places.hint', { max: maxPlaces })}</p>
        <div className="subscribe-map">
          <PublicMap
            territory={territory}
            alerts={[]}
            areas={areas}
            picked={points}
            onPick={full ? undefined : pickOnMap}
            mapStyleUrl={null}
            label={t('subscribe.places.mapLabel', { territory: territory.name })}
          />
        </div>
        <p className="row-actions">
          <button type="button" className="btn" onClick={locateMe} disabled={!mounted || full} data-testid="use-location">
            {t('subscribe.places.useLocation')}
          </button>
        </p>
        {placeMessage ? (
          <p className="hint" role="status" data-testid="place-message">
            {placeMessage}
          </p>
        ) : null}
        <details className="named-areas">
          <summary>{t('subscribe.places.namedAreas')}</summary>
          <div className="named-area-list">
            {areas.map((area) => (
              <label key={area.id} className="checkbox">
                <input
                  type="checkbox"
                  // without JavaScript the ids are posted (SMS); with it, the points are in "places"
                  name={mounted ? undefined : 'area'}
                  value={area.id}
                  checked={choices.some((c) => c.kind === 'area' && c.label === area.name)}
                  onChange={(e) => toggleArea(area, e.currentTarget.checked)}
                  data-testid={`area-${area.name}`}
                />
                {area.name}
              </label>
            ))}
          </div>
        </details>
        {choices.length > 0 ? (
          <ul className="chosen-places" data-testid="chosen-places">
            {choices.map((c, i) => (
              <li key={`${c.label}-${i}`}>
                <span>
                  {c.label} <span className="muted small">({c.places.map((p) => `${p[1].toFixed(3)}, ${p[0].toFixed(3)}`).join('; ')})</span>
                </span>
                <button type="button" className="btn btn-small" onClick={() => setChoices((cur) => cur.filter((_, j) => j !== i))}>
                  {t('subscribe.places.remove')}
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted small">{t('subscribe.places.none')}</p>
        )}
        {placesError ? (
          <p className="error" role="alert" data-testid="places-error">
            {placesError}
          </p>
        ) : null}
      </fieldset>

      <fieldset>
        <legend>{t('subscribe.languages.heading')}</legend>
        <p className="hint">{t('subscribe.languages.hint')}</p>
        <div className="row-inline">
          {languages.map((l) => (
            <label key={l} className="checkbox" lang={l}>
              <input
                type="checkbox"
                name="languages"
                value={l}
                checked={chosenLanguages.includes(l)}
                onChange={(e) => toggleLanguage(l, e.currentTarget.checked)}
                data-testid={`language-${l}`}
              />
              {t(`languageName.${l}`)}
            </label>
          ))}
        </div>
        {errorFor('languages') ? <p className="error">{errorFor('languages')}</p> : null}
      </fieldset>

      <fieldset>
        <legend>{t('subscribe.severity.heading')}</legend>
        {severities.map((s) => (
          <label key={s} className="checkbox">
            <input
              type="radio"
              name="minSeverity"
              value={s}
              checked={minSeverity === s}
              onChange={() => setMinSeverity(s)}
              data-testid={`severity-${s}`}
            />
            {t(`subscribe.severity.${s}`)}
          </label>
        ))}
      </fieldset>

      <fieldset className="subscribe-channels">
        <legend>{t('subscribe.channels.heading')}</legend>
        <div className="channel-grid">
          <section className="channel channel-push" aria-labelledby="push-heading" data-testid="channel-push">
            <h3 id="push-heading">{t('subscribe.channels.push')}</h3>
            <p className="hint">{t('subscribe.channels.pushHint')}</p>
            {otherErrors.length > 0 ? <p className="form-error">{otherErrors.join(' ')}</p> : null}
            {status.kind === 'message' ? (
              <p className={status.tone === 'error' ? 'form-error' : 'notice'} role="alert" data-testid="subscribe-message">
                {t(status.key, status.values)}
              </p>
            ) : null}
            <button type="submit" name="intent" value="push" className="btn btn-primary btn-large" disabled={!supported || working} data-testid="subscribe-submit">
              {working ? t('subscribe.working') : subscribedEndpoint ? t('subscribe.update') : t('subscribe.submit')}
            </button>
          </section>
          <SmsSubscribe available={smsAvailable} answer={smsAnswer} pending={pendingIntent} />
        </div>
      </fieldset>
    </Form>
  )
}
