import { Form, useLocation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { supportedLanguages } from '~/i18n'

export function LanguageSwitch() {
  const { t, i18n } = useTranslation()
  const location = useLocation()
  return (
    <Form method="post" action="/language" className="lang-switch" aria-label={t('language.label')}>
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
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
