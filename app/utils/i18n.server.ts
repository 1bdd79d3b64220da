import { createInstance, type i18n as I18n } from 'i18next'
import { createCookie } from '@remix-run/node'
import { defaultLanguage, isLanguage, namespaces, supportedLanguages, type Language, type Resources } from '~/i18n'

const files = import.meta.glob<{ default: Record<string, unknown> }>('../../public/locales/*/*.json', {
  eager: true,
})

const resources: Record<Language, Resources> = { lv: {}, en: {}, ru: {} }
for (const [file, mod] of Object.entries(files)) {
  const match = /locales\/([a-z]{2})\/([a-z-]+)\.json$/.exec(file)
  if (match && isLanguage(match[1])) resources[match[1]][match[2]] = mod.default
}

export const languageCookie = createCookie('lng', {
  path: '/',
  sameSite: 'lax',
  httpOnly: true,
  maxAge: 60 * 60 * 24 * 365,
})

/** Language for a request: ?lng=, then the remembered cookie, then Accept-Language, then lv. */
export async function getLanguage(request: Request): Promise<Language> {
  const fromQuery = new URL(request.url).searchParams.get('lng')
  if (isLanguage(fromQuery)) return fromQuery
  const fromCookie = await languageCookie.parse(request.headers.get('Cookie'))
  if (isLanguage(fromCookie)) return fromCookie
  const accept = request.headers.get('Accept-Language') ?? ''
  for (const part of accept.split(',')) {
    const tag = part.split(';')[0].trim().slice(0, 2).toLowerCase()
    if (isLanguage(tag)) return tag
  }
  return defaultLanguage
}

export function getResources(language: Language): Resources {
  return resources[language]
}

export async function getFixedT(request: Request, ns: string = 'common') {
  const lng = await getLanguage(request)
  const i18n = await createI18n(lng)
  return i18n.getFixedT(lng, ns)
}

export async function createI18n(language: Language): Promise<I18n> {
  const instance = createInstance()
  await instance.init({
    lng: language,
    fallbackLng: defaultLanguage,
    supportedLngs: [...supportedLanguages],
    ns: [...namespaces],
    defaultNS: 'common',
    resources: { [language]: resources[language], [defaultLanguage]: resources[defaultLanguage] },
    interpolation: { escapeValue: false },
  })
  return instance
}
