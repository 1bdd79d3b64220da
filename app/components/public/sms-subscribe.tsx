// "SMS to my phone" on the subscribe page: the number → a six-digit code by SMS → Confirm → the
// unsubscribe link. Rendered inside the subscribe form, so the places, languages and lowest
// severity chosen above go with the number; every step is a POST of that form to the page's own
// action (sms-subscribe.server.ts), which works without JavaScript too. The number is never put in
// a URL and, once the code is sent, shown only masked (as the server masked it).
import { useTranslation } from 'react-i18next'
import type { SmsAnswer } from './sms-types'
import './sms-subscribe.css'

type Props = {
  /** an SMS provider is configured on this server */
  available: boolean
  /** the last answer of the page's action (undefined: the first step) */
  answer: SmsAnswer | undefined
  /** the intent being submitted right now, if any */
  pending: string | null
}

/** Enter in a field presses this step's button (not the form's first one, which is the push button). */
function pressOnEnter(buttonId: string) {
  return (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return
    event.preventDefault()
    document.getElementById(buttonId)?.click()
  }
}

/** '+371 2••••777' kept on one line */
const unbroken = (masked: string) => masked.replace(/ /g, '\u00a0')

export function SmsSubscribe({ available, answer, pending }: Props) {
  const { t } = useTranslation('public')
  const step = answer?.step ?? 'phone'
  const errors = answer && answer.step !== 'done' ? answer.errors : {}
  // "check the marked fields" only when a marked field is outside this card (places, languages)
  const elsewhere = Object.keys(errors).some((k) => k !== 'phone' && k !== 'code')
  const given = answer && answer.step !== 'done' ? answer.notice : undefined
  const notice = given === 'invalid' && !elsewhere ? undefined : given
  const retryAfterSeconds = answer && answer.step !== 'done' ? answer.retryAfterSeconds : undefined
  const busy = pending !== null && pending.startsWith('sms-')

  return (
    <section className="channel channel-sms" aria-labelledby="sms-heading" data-testid="channel-sms">
      <h3 id="sms-heading">{t('subscribe.sms.heading')}</h3>
      <p className="hint">{t('subscribe.sms.hint')}</p>
      {!available ? (
        <p className="notice" data-testid="sms-unavailable">
          {t('subscribe.sms.notOffered')}
        </p>
      ) : answer?.step === 'done' ? (
        <div className="notice sms-done" role="status" data-testid="sms-subscribed">
          <p>
            <strong>{t(answer.created ? 'subscribe.sms.subscribed' : 'subscribe.sms.updated', { phone: unbroken(answer.maskedPhone) })}</strong>
          </p>
          <p>{t('subscribe.sms.stopHint')}</p>
          <p className="sms-stop-link">
            <a href={answer.stopUrl} data-testid="sms-stop-link">
              {answer.stopUrl}
            </a>
          </p>
          <p className="small muted">{t('subscribe.sms.linkAlsoSent')}</p>
        </div>
      ) : (
        <>
          {notice ? (
            <p className="form-error" role="alert" data-testid="sms-notice" data-notice={notice}>
              {notice === 'rateLimited' && (retryAfterSeconds ?? 0) > 120
                ? t('subscribe.sms.notice.rateLimitedMinutes', { minutes: Math.ceil((retryAfterSeconds ?? 0) / 60) })
                : t(`subscribe.sms.notice.${notice}`, { seconds: retryAfterSeconds ?? 60 })}
            </p>
          ) : null}
          {step === 'code' && answer?.step === 'code' ? (
            <div className="stack sms-code-step">
              <p role="status" data-testid="sms-code-sent">
                {t('subscribe.sms.codeSent', { phone: unbroken(answer.maskedPhone) })}
              </p>
              <input type="hidden" name="verificationId" value={answer.verificationId} />
              <input type="hidden" name="maskedPhone" value={answer.maskedPhone} />
              <div className="field">
                <label htmlFor="sms-code">{t('subscribe.sms.codeLabel')}</label>
                <input
                  id="sms-code"
                  name="code"
                  className="sms-code-input"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={8}
                  aria-invalid={errors.code ? true : undefined}
                  aria-describedby={errors.code ? 'sms-code-error' : undefined}
                  onKeyDown={pressOnEnter('sms-confirm')}
                  data-testid="sms-code"
                />
                {errors.code ? (
                  <p className="error" id="sms-code-error" data-testid="sms-code-error">
                    {t(errors.code)}
                  </p>
                ) : null}
              </div>
              <p className="row-actions">
                <button type="submit" id="sms-confirm" name="intent" value="sms-confirm" className="btn btn-primary" disabled={busy} data-testid="sms-confirm">
                  {pending === 'sms-confirm' ? t('subscribe.working') : t('subscribe.sms.confirm')}
                </button>
                <button type="submit" name="intent" value="sms-restart" className="btn" disabled={busy} data-testid="sms-restart">
                  {t('subscribe.sms.otherNumber')}
                </button>
              </p>
            </div>
          ) : (
            <div className="stack sms-phone-step">
              <div className="field">
                <label htmlFor="sms-phone">{t('subscribe.sms.phoneLabel')}</label>
                <div className="sms-phone-row">
                  <input
                    id="sms-phone"
                    name="phone"
                    type="tel"
                    autoComplete="tel"
                    inputMode="tel"
                    placeholder="+371 2…"
                    defaultValue={answer?.step === 'phone' ? answer.values?.phone : undefined}
                    aria-invalid={errors.phone ? true : undefined}
                    aria-describedby={errors.phone ? 'sms-phone-hint sms-phone-error' : 'sms-phone-hint'}
                    onKeyDown={pressOnEnter('sms-send-code')}
                    data-testid="sms-phone"
                  />
                  <button type="submit" id="sms-send-code" name="intent" value="sms-code" className="btn btn-primary" disabled={busy} data-testid="sms-send-code">
                    {pending === 'sms-code' ? t('subscribe.working') : t('subscribe.sms.sendCode')}
                  </button>
                </div>
                {errors.phone ? (
                  <p className="error" id="sms-phone-error" data-testid="sms-phone-error">
                    {t(errors.phone)}
                  </p>
                ) : null}
                <p className="hint" id="sms-phone-hint">
                  {t('subscribe.sms.phoneHint')}
                </p>
              </div>
            </div>
          )}
          <p className="small muted">{t('subscribe.sms.privacy')}</p>
        </>
      )}
    </section>
  )
}
