// Editing a shelter's registry fields (manage:shelter:any); status and occupancy are not edited here.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { userActor } from '#domain/auth/actor.ts'
import { prisma } from '#domain/runtime.ts'
import { getShelter } from '#domain/shelters/get-shelter.ts'
import { updateShelter } from '#domain/shelters/update-shelter.ts'
import { ShelterForm } from '~/components/shelters/shelter-form'
import { clientIp, requireUserWithPermission } from '~/utils/auth.server'
import { appErrorFields, formToObject, invalid } from '~/utils/form'
import { asHttpError } from '~/utils/http.server'
import '~/components/shelters/shelters.css'

export const meta: MetaFunction = () => [{ title: 'Sargs' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, 'manage:shelter:any')
  const { shelter } = await getShelter({ prisma: prisma(), actor: userActor(user), shelterId: params.id ?? '' }).catch(asHttpError)
  const { amenities, ...rest } = shelter
  return { shelter: { ...rest, ...amenities } }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUserWithPermission(request, 'manage:shelter:any')
  const values = formToObject(await request.formData())
  try {
    await updateShelter({ prisma: prisma(), actor: userActor(user, clientIp(context)), shelterId: params.id ?? '', input: values })
    return redirect(`/shelters/${params.id}`)
  } catch (error) {
    const fields = appErrorFields(error)
    if (fields) return invalid(fields, values)
    return asHttpError(error)
  }
}

export default function EditShelter() {
  const { shelter } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('shelters')
  const defaults = (actionData?.values ?? shelter) as Record<string, string | number | boolean | null>
  return (
    <main className="page">
      <ShelterForm heading={t('form.editHeading', { name: shelter.name })} defaults={defaults} errors={actionData?.errors} cancelTo={`/shelters/${shelter.id}`} submitting={navigation.state === 'submitting'} />
    </main>
  )
}
