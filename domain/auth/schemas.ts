// Input rules for accounts, shared by the forms (client and server), the domain and the CLI.
// Messages are i18n keys ("namespace:key"). No server-only imports here: routes' components use it.
import { z } from 'zod'

export const PASSWORD_MIN_LENGTH = 12
export const PASSWORD_MAX_LENGTH = 128
export const NAME_MAX_LENGTH = 120

export const roleValues = [
  'ADMINISTRATOR',
  'COMMISSION_MEMBER',
  'OPERATOR',
  'TRAINER',
  'VOLUNTEER_COORDINATOR',
] as const

export const emailSchema = z
  .string({ required_error: 'errors:required' })
  .trim()
  .toLowerCase()
  .max(254, 'errors:tooLong')
  .email('auth:fields.emailInvalid')

export const nameSchema = z
  .string({ required_error: 'errors:required' })
  .trim()
  .min(1, 'errors:required')
  .max(NAME_MAX_LENGTH, 'errors:tooLong')

/** A new password: 12–128 characters (counted as code points). */
export const newPasswordSchema = z
  .string({ required_error: 'errors:required' })
  .refine((v) => [...v.normalize('NFC')].length >= PASSWORD_MIN_LENGTH, 'auth:password.tooShort')
  .refine((v) => [...v.normalize('NFC')].length <= PASSWORD_MAX_LENGTH, 'auth:password.tooLong')

export const roleSchema = z.enum(roleValues, { errorMap: () => ({ message: 'admin:fields.roleInvalid' }) })

export const totpCodeSchema = z
  .string({ required_error: 'errors:required' })
  .transform((v) => v.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'auth:totp.format'))

/** Parse a role written by a person: "operator", "commission-member", "COMMISSION_MEMBER". */
export function parseRoleName(value: string): (typeof roleValues)[number] | null {
  const normalised = value.trim().toUpperCase().replace(/-/g, '_')
  return (roleValues as readonly string[]).includes(normalised) ? (normalised as (typeof roleValues)[number]) : null
}
