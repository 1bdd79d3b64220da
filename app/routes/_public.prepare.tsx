// /prepare: the 72-hour kit — what a household needs to manage on its own for three days, after
// the Latvian state's "72 stundas" guidance. Static, translated text; readable offline once seen
// (the service worker keeps it).
import type { MetaFunction } from '@remix-run/node'
import { useTranslation } from 'react-i18next'

export const meta: MetaFunction = () => [{ title: 'Sargs · 72 h' }]

type Section = { id: string; title: string; items: string[]; note?: string }

export default function Prepare() {
  const { t } = useTranslation('public')
  const sections = t('prepare.sections', { returnObjects: true }) as Section[]
  return (
    <article className="prepare" data-testid="prepare-page">
      <h1>{t('prepare.title')}</h1>
      <p className="lead">{t('prepare.intro')}</p>
      <p className="water-rule" data-testid="water-rule">
        {t('prepare.waterRule')}
      </p>
      <div className="prepare-grid">
        {Array.isArray(sections)
          ? sections.map((s) => (
              <section key={s.id} className="card prepare-card" aria-labelledby={`prepare-${s.id}`} data-testid={`prepare-${s.id}`}>
                <h2 id={`prepare-${s.id}`}>{s.title}</h2>
                <ul>
                  {s.items.map((item) => (
                    <li key={item}>{item}</li>
                  ))}
                </ul>
                {s.note ? <p className="small muted">{s.note}</p> : null}
              </section>
            ))
          : null}
      </div>
      <section className="card" aria-labelledby="prepare-when">
        <h2 id="prepare-when">{t('prepare.whenTitle')}</h2>
        <p>{t('prepare.when')}</p>
      </section>
      <p className="small muted">{t('prepare.source')}</p>
    </article>
  )
}
