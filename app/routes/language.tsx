// POST /language: remember the chosen language (cookie) and go back where the user was.
import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { isLanguage } from '~/i18n'
import { languageCookie } from '~/utils/i18n.server'

export function safeRedirectPath(value: FormDataEntryValue | null, fallback = '/'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) {
    return fallback
  }
  return value
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData()
  const language = form.get('language')
  const to = safeRedirectPath(form.get('redirectTo'))
  if (!isLanguage(language)) return redirect(to)
  return redirect(to, { headers: { 'Set-Cookie': await languageCookie.serialize(language) } })
}

export function loader() {
  return redirect('/')
}
