// The language switch: a plain form posting to /language (works without JavaScript). It goes back
// to the same page without a ?lng= in the address, which would otherwise win over the choice just
// made. The resident pages reload the whole document (reloadDocument).
import { Form, useLocation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { supportedLanguages } from '~/i18n'

export function LanguageSwitch({ reloadDocument = false }: { reloadDocument?: boolean }) {
  const { t, i18n } = useTranslation()
  const location = useLocation()
  const search = new URLSearchParams(location.search)
  search.delete('lng')
  const rest = search.toString()
  return (
    <Form method="post" action="/language" className="lang-switch" aria-label={t('language.label')} reloadDocument={reloadDocument}>
      <input type="hidden" name="redirectTo" value={location.pathname + (rest ? `?${rest}` : '')} />
      {supportedLanguages.map((lng) => (
        <button
          key={lng}
          type="submit"
          name="language"
          value={lng}
          lang={lng}
          aria-pressed={i18n.language === lng}
          title={t(`language.${lng}`)}
          data-testid={`lang-${lng}`}
        >
          {lng.toUpperCase()}
        </button>
      ))}
    </Form>
  )
}
