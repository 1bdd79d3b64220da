import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { emailSchema, newPasswordSchema } from '#domain/auth/schemas.ts'
import { appErrorFields, fieldErrorsFromZod, formToObject, invalid, parseForm } from './form.ts'
import { AppError } from '#domain/errors.ts'

const schema = z.object({
  name: z.string({ required_error: 'errors:required' }).max(10),
  email: emailSchema,
  password: newPasswordSchema,
  tags: z.array(z.string()).optional(),
})

function form(entries: [string, string][]) {
  const f = new FormData()
  for (const [k, v] of entries) f.append(k, v)
  return f
}

describe('parseForm', () => {
  it('parses valid input', () => {
    const result = parseForm(form([['name', 'Ilze'], ['email', ' ILZE@jelgava.lv '], ['password', 'twelve chars!'], ['tags', 'a'], ['tags', 'b']]), schema)
    expect(result).toEqual({ ok: true, data: { name: 'Ilze', email: 'ilze@jelgava.lv', password: 'twelve chars!', tags: ['a', 'b'] } })
  })

  it('gives one i18n key per field; blank counts as missing; secrets are not echoed', () => {
    const result = parseForm(form([['name', '   '], ['email', 'nope'], ['password', 'short']]), schema)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors).toEqual({
      name: 'errors:required',
      email: 'auth:fields.emailInvalid',
      password: 'auth:password.tooShort',
    })
    expect(result.values).toEqual({ email: 'nope' })
  })

  it('maps generic issues to generic keys and object-level issues to "form"', () => {
    const s = z
      .object({ a: z.string().max(2), n: z.coerce.number().int() })
      .refine(() => false, { message: 'custom message without key' })
    const result = parseForm(new URLSearchParams('a=abc&n=1.5'), s)
    expect(!result.ok && result.errors).toEqual({ a: 'errors:tooLong', n: 'errors:invalid', form: 'errors:invalid' })
    const whole = fieldErrorsFromZod(s.safeParse({ a: 'ab', n: 1 }).error!)
    expect(whole).toEqual({ form: 'errors:invalid' })
  })

  it('never throws and always answers with field keys that name schema fields (property)', () => {
    const fields = ['name', 'email', 'password', 'tags', 'other']
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...fields), fc.string({ maxLength: 40 })), { maxLength: 12 }), (entries) => {
        const result = parseForm(form(entries), schema)
        if (result.ok) {
          expect(schema.safeParse(result.data).success).toBe(true)
        } else {
          for (const [field, key] of Object.entries(result.errors)) {
            expect(['name', 'email', 'password', 'tags', 'form']).toContain(field)
            expect(key).toMatch(/^[a-z]+:[\w.]+$/)
          }
          expect(Object.keys(result.values).some((k) => k === 'password')).toBe(false)
        }
      }),
    )
  })

  it('formToObject drops blanks and files, keeps repeated names as arrays', () => {
    const f = form([['a', ''], ['b', 'x'], ['b', 'y'], ['b', 'z']])
    f.append('file', new Blob(['data']), 'f.txt')
    expect(formToObject(f)).toEqual({ b: ['x', 'y', 'z'] })
  })
})

describe('answers', () => {
  it('invalid() is a 422 with the errors', () => {
    const answer = invalid({ email: 'errors:required' }, { email: '' }) as unknown as { init: ResponseInit; data: unknown }
    expect(answer.init.status).toBe(422)
    expect(answer.data).toEqual({ ok: false, errors: { email: 'errors:required' }, values: { email: '' } })
  })

  it('appErrorFields turns INVALID_INPUT/CONFLICT into field errors, nothing else', () => {
    expect(appErrorFields(new AppError('INVALID_INPUT', 'x', { fields: { email: 'admin:errors.emailTaken' } }))).toEqual({ email: 'admin:errors.emailTaken' })
    expect(appErrorFields(new AppError('CONFLICT', 'x'))).toEqual({ form: 'errors:invalid' })
    expect(appErrorFields(new AppError('FORBIDDEN', 'x'))).toBeNull()
    expect(appErrorFields(new Error('x'))).toBeNull()
  })
})
