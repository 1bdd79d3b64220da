// SMS in the composer: the per-language "SMS text" the operator may write (or shorten) by hand,
// with a counter that follows the typing, and the SMS cards of the preview — the exact text sent,
// its encoding (GSM-7 or UCS-2, and the characters that forced UCS-2), its part count and the
// characters left in the last part, with a warning past SMS_PARTS_WARNING parts. The numbers come
// from the dispatcher's own renderer and encoder (domain/alerts/sms-text.ts): nothing is cut.
import './compose-sms.css'
import { useTranslation } from 'react-i18next'
import { SMS_PARTS_WARNING, smsDefaultBody, smsTextParameters, smsTextPreview, type SmsTextPreview } from '#domain/alerts/sms-text.ts'
import { FieldError } from '~/components/incidents/form-controls'

// a Cyrillic text names thirty letters: the first few say enough
const SHOWN_CHARACTERS = 12
// a no-break or other unusual space forces UCS-2 too: name it by its code point
const visible = (c: string) => (/\s/.test(c) ? `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : c)

/** Encoding, parts and characters left of one SMS text (the form's counter and the preview). */
export function SmsCount({ sms, testId }: { sms: SmsTextPreview; testId: string }) {
  const { t } = useTranslation('alerts')
  return (
    <div className="sms-count" data-testid={testId} data-encoding={sms.encoding} data-parts={sms.parts} data-left={sms.charactersLeftInLastPart}>
      <span className="sms-encoding">{sms.encoding}</span>
      <span className="sms-figure">{t('compose.sms.parts', { count: sms.parts })}</span>
      <span className="sms-figure">{t('compose.sms.left', { count: sms.charactersLeftInLastPart })}</span>
      {sms.nonGsmCharacters.length ? (
        <div className="hint" data-testid={`${testId}-ucs2`}>
          {t('compose.sms.ucs2Because')}{' '}
          <span className="sms-characters">
            {sms.nonGsmCharacters.slice(0, SHOWN_CHARACTERS).map((c) => (
              <kbd key={c}>{visible(c)}</kbd>
            ))}
            {sms.nonGsmCharacters.length > SHOWN_CHARACTERS ? <span>+{sms.nonGsmCharacters.length - SHOWN_CHARACTERS}</span> : null}
          </span>
        </div>
      ) : null}
      {sms.tooManyParts ? (
        <div className="sms-warning" role="status" data-testid={`${testId}-warning`}>
          {t('compose.sms.tooManyParts', { count: sms.parts, max: SMS_PARTS_WARNING })}
        </div>
      ) : null}
    </div>
  )
}

/** The operator's SMS text of one language, counted as it will be sent. */
export function ComposeSmsField(props: {
  language: string
  /** live values of the language's texts and the alert's status */
  status: string
  headline: string
  event: string
  instruction: string
  defaultValue: string
  text: string
  error?: string
  /** the dispatcher's link base and an identifier of the issued length (the default text links) */
  linkBase: string | null
  identifier: string
  hidden: boolean
}) {
  const { t } = useTranslation('alerts')
  const { language } = props
  const id = `field-${language}.sms`
  const info = { language, headline: props.headline, event: props.event, instruction: props.instruction }
  const sms = smsTextPreview({ status: props.status, identifier: props.identifier, info: { ...info, parameter: smsTextParameters(props.text) }, baseUrl: props.linkBase })
  return (
    <div className="field sms-field" hidden={props.hidden} data-testid={`sms-field-${language}`}>
      <label htmlFor={id}>{t('compose.fields.sms')}</label>
      <textarea
        id={id}
        name={`${language}.sms`}
        lang={language}
        rows={3}
        maxLength={255}
        defaultValue={props.defaultValue}
        placeholder={smsDefaultBody(info)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${id}-error` : `${id}-hint`}
      />
      <div className="hint" id={`${id}-hint`}>
        {t(sms.custom ? 'compose.hints.smsOwn' : 'compose.hints.smsDefault')}
      </div>
      <SmsCount sms={sms} testId={`sms-count-${language}`} />
      <FieldError id={id} name={`${language}.sms`} error={props.error} />
    </div>
  )
}

/** The preview's SMS cards: per language, the exact text sent and its count. */
export function SmsPreviewList({ messages }: { messages: SmsTextPreview[] }) {
  const { t } = useTranslation('alerts')
  return (
    <div className="phone-list">
      {messages.map((m) => (
        <article key={m.language} className="phone sms" lang={m.language} data-testid={`sms-${m.language}`}>
          <div className="phone-head">
            <span>
              <span className="lang-tag">{m.language}</span>
              {t(m.custom ? 'compose.sms.ownText' : 'compose.sms.defaultText')}
            </span>
          </div>
          <div className="phone-body" data-testid="sms-text">
            {m.text}
          </div>
          <SmsCount sms={m} testId={`sms-preview-count-${m.language}`} />
        </article>
      ))}
    </div>
  )
}
