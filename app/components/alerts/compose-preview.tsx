// The preview before issuing: per chosen channel its recipients, whether this server can send on
// it yet (if not, issuing still works and its deliveries wait until it is configured), and per
// language exactly what goes out — the web push notification as the phone shows it (title and
// body, with the exercise marking), the SMS text with its encoding, parts and characters left.
import { useTranslation } from 'react-i18next'
import type { AlertPreview } from '#domain/alerts/preview-alert-draft.ts'
import { SmsPreviewList } from './compose-sms'

export function ComposePreview({ preview }: { preview: AlertPreview }) {
  const { t, i18n } = useTranslation('alerts')
  const number = new Intl.NumberFormat(i18n.language)
  return (
    <section className="section" data-testid="compose-preview">
      <h2>{t('compose.preview.heading')}</h2>
      {preview.channels.map((c) => (
        <div key={c.channel} className="preview-channel" data-testid={`preview-${c.channel}`}>
          <div>
            <div className="label">{t(`compose.preview.channels.${c.channel}`, { defaultValue: c.channel })}</div>
            <div className="preview-count" data-testid={`recipients-${c.channel}`} data-count={c.recipients}>
              {preview.area ? number.format(c.recipients) : '—'}
              <small>{t('compose.preview.recipients', { count: c.recipients })}</small>
            </div>
            {!preview.area ? <div className="hint">{t('compose.preview.noArea')}</div> : null}
            {!c.configured ? (
              <div className="sms-warning" role="status" data-testid={`not-configured-${c.channel}`}>
                {t('compose.preview.notConfigured', { channel: t(`compose.channels.${c.channel}`, { defaultValue: c.channel }) })}
              </div>
            ) : null}
          </div>
          {c.sms.length ? <SmsPreviewList messages={c.sms} /> : null}
          {c.messages.length ? (
            <div className="phone-list">
              {c.messages.map((m) => (
                <article key={m.language} className="phone" lang={m.language} data-testid={`phone-${c.channel}-${m.language}`}>
                  <div className="phone-head">
                    <span>
                      <span className="lang-tag">{m.language}</span>
                      {t('compose.preview.notification')}
                    </span>
                    <span>{t('compose.preview.bytes', { count: m.bytes })}</span>
                  </div>
                  <div className="phone-title" data-testid="phone-title">
                    {m.marking ? <span className="phone-marking">{m.title.slice(0, m.marking.length)}</span> : null}
                    {m.marking ? m.title.slice(m.marking.length) : m.title}
                  </div>
                  <div className="phone-body" data-testid="phone-body">
                    {m.body}
                  </div>
                </article>
              ))}
            </div>
          ) : null}
        </div>
      ))}
    </section>
  )
}
