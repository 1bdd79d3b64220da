// A new shelter in the registry (manage:shelter:any).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { useActionData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { userActor } from '#domain/auth/actor.ts'
import { prisma } from '#domain/runtime.ts'
import { createShelter } from '#domain/shelters/create-shelter.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import { ShelterForm } from '~/components/shelters/shelter-form'
import { clientIp, requireUserWithPermission } from '~/utils/auth.server'
import { appErrorFields, formToObject, invalid } from '~/utils/form'
import '~/components/shelters/shelters.css'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, 'manage:shelter:any')
  return null
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWithPermission(request, 'manage:shelter:any')
  const values = formToObject(await request.formData())
  const territory = await getDefaultTerritory({ prisma: prisma() })
  if (!territory) throw new Response('No territory', { status: 409 })
  try {
    const shelter = await createShelter({ prisma: prisma(), actor: userActor(user, clientIp(context)), territoryId: territory.id, input: values })
    return redirect(`/shelters/${shelter.id}`)
  } catch (error) {
    const fields = appErrorFields(error)
    if (fields) return invalid(fields, values)
    throw error
  }
}

export default function NewShelter() {
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('shelters')
  return (
    <main className="page">
      <ShelterForm heading={t('form.createHeading')} defaults={(actionData?.values ?? {}) as unknown as Record<string, string>} errors={actionData?.errors} cancelTo="/shelters" submitting={navigation.state === 'submitting'} />
    </main>
  )
}
