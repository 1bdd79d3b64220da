// The language switch of the resident pages: the same POST /language as the staff pages (a plain
// form, so it works without JavaScript), but going back without a ?lng= in the address, which
// would otherwise win over the choice just made.
import { Form, useLocation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { supportedLanguages } from '~/i18n'

export function PublicLanguageSwitch() {
  const { t, i18n } = useTranslation()
  const location = useLocation()
  const search = new URLSearchParams(location.search)
  search.delete('lng')
  const rest = search.toString()
  return (
    <Form method="post" action="/language" className="lang-switch" aria-label={t('language.label')} reloadDocument>
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
