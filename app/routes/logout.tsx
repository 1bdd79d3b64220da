// POST /logout: end the current session (audited) and forget the cookie.
import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { signOut } from '#domain/auth/sign-out.ts'
import { prisma } from '#domain/runtime.ts'
import { clearSessionCookie, clientIp, getSessionToken } from '~/utils/auth.server'

export async function action({ request, context }: ActionFunctionArgs) {
  await signOut({ prisma: prisma(), token: getSessionToken(request), ip: clientIp(context) })
  return redirect('/login', { headers: { 'Set-Cookie': clearSessionCookie(request, context) } })
}

export function loader() {
  return redirect('/')
}
