// Validation of account fields in the domain (the forms validate with the same schemas; the CLI
// and any other caller get the same answers). Throws INVALID_INPUT with an i18n key per field.
import { z } from 'zod'
import { AppError } from '#domain/errors.ts'
import { emailSchema, nameSchema, newPasswordSchema, roleSchema } from './schemas.ts'

const shapes = { email: emailSchema, name: nameSchema, password: newPasswordSchema, role: roleSchema }

type Shapes = typeof shapes
type Picked<K extends keyof Shapes> = { [P in K]: z.output<Shapes[P]> }

export function validateAccountFields<K extends keyof Shapes>(input: { [P in K]: unknown }): Picked<K> {
  const keys = Object.keys(input) as K[]
  const schema = z.object(Object.fromEntries(keys.map((k) => [k, shapes[k]])) as { [P in K]: Shapes[P] })
  const result = schema.safeParse(input)
  if (!result.success) {
    const fields: Record<string, string> = {}
    for (const issue of result.error.issues) {
      const field = String(issue.path[0] ?? 'form')
      fields[field] ??= issue.message.includes(':') ? issue.message : 'errors:invalid'
    }
    throw new AppError('INVALID_INPUT', `Invalid ${Object.keys(fields).join(', ')}`, { fields })
  }
  return result.data as Picked<K>
}
