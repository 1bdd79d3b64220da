import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react'
import { createInstance } from 'i18next'
import { useMemo } from 'react'
import { I18nextProvider, initReactI18next, useTranslation } from 'react-i18next'
import { defaultLanguage, type Language, type Resources } from '~/i18n'
import { getLanguage, getResources } from '~/utils/i18n.server'
import { useNonce } from '~/utils/nonce'
import stylesheet from '~/styles/app.css?url'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheet },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
]

export async function loader({ request, context }: LoaderFunctionArgs) {
  const language = await getLanguage(request)
  return {
    language,
    resources: getResources(language),
    fallback: language === defaultLanguage ? null : getResources(defaultLanguage),
    publicConfig: context.publicConfig,
  }
}

function useI18n(language: Language, resources: Resources, fallback: Resources | null) {
  return useMemo(() => {
    const instance = createInstance()
    void instance.use(initReactI18next).init({
      lng: language,
      fallbackLng: defaultLanguage,
      defaultNS: 'common',
      resources: { [language]: resources, ...(fallback ? { [defaultLanguage]: fallback } : {}) },
      interpolation: { escapeValue: false },
      initImmediate: false,
      react: { useSuspense: false },
    })
    return instance
  }, [language, resources, fallback])
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root')
  const nonce = useNonce()
  const language = data?.language ?? defaultLanguage
  return (
    <html lang={language}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

export default function App() {
  const { language, resources, fallback } = useLoaderData<typeof loader>()
  const i18n = useI18n(language, resources, fallback)
  return (
    <I18nextProvider i18n={i18n}>
      <Outlet />
    </I18nextProvider>
  )
}

function ErrorMessage() {
  const error = useRouteError()
  const { t } = useTranslation('errors')
  const status = isRouteErrorResponse(error) ? error.status : 500
  const key = status === 403 ? 'forbidden' : status === 404 ? 'notFound' : status === 429 ? 'tooMany' : 'unexpected'
  return (
    <main className="error-page">
      <h1>{status}</h1>
      <p>{t(key)}</p>
      <a href="/">{t('backHome')}</a>
    </main>
  )
}

export function ErrorBoundary() {
  const data = useRouteLoaderData<typeof loader>('root')
  const i18n = useI18n(
    data?.language ?? defaultLanguage,
    data?.resources ?? {},
    data?.fallback ?? null,
  )
  return (
    <I18nextProvider i18n={i18n}>
      <ErrorMessage />
    </I18nextProvider>
  )
}
