// The preview before issuing: per chosen channel its recipients, whether this server can send on
// it yet (if not, issuing still works and its deliveries wait until it is configured), and per
// language exactly what goes out — the web push notification as the phone shows it (title and
// body, with the exercise marking), the SMS text with its encoding, parts and characters left; the
// picked groups with their recipients, each social account's exact post, the desk phones' page.
import { useTranslation } from 'react-i18next'
import type { AlertPreview } from '#domain/alerts/preview-alert-draft.ts'
import { SmsPreviewList } from './compose-sms'
import { useAlertFormat } from './progress-format'

export function ComposePreview({ preview }: { preview: AlertPreview }) {
  const { t, i18n } = useTranslation('alerts')
  const number = new Intl.NumberFormat(i18n.language)
  const f = useAlertFormat()
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
            {c.configured && c.health.state === 'paused' ? (
              <div className="sms-warning" role="status" data-testid={`channel-paused-${c.channel}`}>
                {t('compose.preview.health.paused', { until: f.time(c.health.until), reason: c.health.reason ?? '—' })}
              </div>
            ) : null}
            {c.configured && c.health.state === 'failing' ? (
              <div className="sms-warning" role="status" data-testid={`channel-failing-${c.channel}`}>
                {t('compose.preview.health.failing', { count: c.health.failures, reason: c.health.reason ?? '—' })}
              </div>
            ) : null}
          </div>
          {c.groups.length ? (
            <ul className="small" data-testid={`groups-${c.channel}`}>
              {c.groups.map((g) => (
                <li key={`${g.kind}:${g.id}`} data-testid="group-reach" data-name={g.name} data-count={g.recipients}>
                  {g.name}: {t(`compose.preview.reach.${g.kind}`, { count: g.recipients, online: g.online ?? 0 })}
                </li>
              ))}
            </ul>
          ) : null}
          {c.posts.length ? (
            <div className="phone-list">
              {c.posts.map((p) => (
                <article key={p.accountId} className="phone" lang={p.language} data-testid="social-post" data-account={p.name}>
                  <div className="phone-head">
                    <span>
                      <span className="lang-tag">{p.language}</span>
                      {t(`compose.preview.networks.${p.network}`, { defaultValue: p.network })} · {p.name}
                    </span>
                  </div>
                  <div className="phone-body" data-testid="social-post-text" style={{ whiteSpace: 'pre-wrap' }}>
                    {p.text}
                  </div>
                </article>
              ))}
            </div>
          ) : c.channel === 'social' ? (
            <div className="hint">{t('compose.preview.noAccounts')}</div>
          ) : null}
          {c.pages.length ? (
            <div className="phone-list">
              {c.pages.map((p) => (
                <article key={p.language} className="phone" lang={p.language} data-testid={`page-${p.language}`}>
                  <div className="phone-head">
                    <span>
                      <span className="lang-tag">{p.language}</span>
                      {t('compose.preview.deskPhone')}
                    </span>
                  </div>
                  <div className="phone-title">{p.title}</div>
                  <div className="phone-body">{p.body}</div>
                </article>
              ))}
            </div>
          ) : null}
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
