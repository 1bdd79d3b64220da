// POST /language: remember the chosen language (cookie) and go back where the user was.
import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { isLanguage } from '~/i18n'
import { safeRedirect } from '~/utils/auth.server'
import { languageCookie } from '~/utils/i18n.server'

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData()
  const language = form.get('language')
  const to = safeRedirect(form.get('redirectTo'))
  if (!isLanguage(language)) return redirect(to)
  return redirect(to, { headers: { 'Set-Cookie': await languageCookie.serialize(language) } })
}

export function loader() {
  return redirect('/')
}
