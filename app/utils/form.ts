// Form helpers shared by every route (client and server; no server-only imports).
//
//   const parsed = parseForm(await request.formData(), schema)
//   if (!parsed.ok) return invalid(parsed.errors)          // 422 { errors: { field: 'ns:key' } }
//   await doSomething(parsed.data)
//
// - `values` (on failure) are the submitted fields for re-filling the form, minus anything whose
//   name contains password/confirm/code/secret/token;
// - empty or whitespace-only text fields count as missing (so `z.string()` answers "required");
// - a name given several times becomes an array (checkbox groups);
// - errors are i18n keys, one per field (the first issue wins); a zod message that looks like a
//   key ("auth:password.tooShort") is used as is, otherwise a generic key is chosen from the
//   issue (errors:required / errors:tooLong / errors:invalid). Issues of the whole object (from
//   .refine on the object without a path) go under the "form" key.
// - `appErrorFields(error)` turns an AppError of code INVALID_INPUT into the same shape, so a
//   domain refusal renders like a form error.
import { data } from '@remix-run/react'
import type { z } from 'zod'

export type FieldErrors = Record<string, string>

export type ParseResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors; values: Record<string, unknown> }

/** FormData (or URLSearchParams) → plain object, empty strings dropped, repeated names → arrays. */
export function formToObject(form: FormData | URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, raw] of form.entries()) {
    if (typeof raw !== 'string') continue // files are not handled here
    if (raw.trim() === '') continue
    const existing = out[name]
    out[name] = existing === undefined ? raw : Array.isArray(existing) ? [...existing, raw] : [existing, raw]
  }
  return out
}

/** One i18n key per field from a zod error. */
export function fieldErrorsFromZod(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {}
  for (const issue of error.issues) {
    const field = issue.path.length ? String(issue.path[0]) : 'form'
    if (errors[field]) continue
    errors[field] = messageKey(issue)
  }
  return errors
}

function messageKey(issue: z.ZodIssue): string {
  if (/^[a-z][\w-]*:[\w.-]+$/i.test(issue.message)) return issue.message
  if (issue.code === 'invalid_type' && issue.received === 'undefined') return 'errors:required'
  if (issue.code === 'too_small' && issue.minimum === 1 && issue.type === 'string') return 'errors:required'
  if (issue.code === 'too_big') return 'errors:tooLong'
  return 'errors:invalid'
}

export function parseForm<S extends z.ZodTypeAny>(form: FormData | URLSearchParams, schema: S): ParseResult<z.output<S>> {
  const values = formToObject(form)
  const result = schema.safeParse(values)
  if (result.success) return { ok: true, data: result.data }
  // never echo secrets back to the page
  const safeValues = Object.fromEntries(Object.entries(values).filter(([k]) => !/password|confirm|code|secret|token/i.test(k)))
  return { ok: false, errors: fieldErrorsFromZod(result.error), values: safeValues }
}

/** A 422 answer with one error key per field (and the submitted values, minus secrets). */
export function invalid(errors: FieldErrors, values: Record<string, unknown> = {}, init: { headers?: HeadersInit } = {}) {
  return data({ ok: false as const, errors, values }, { status: 422, headers: init.headers })
}

/** The field errors of an AppError-like INVALID_INPUT/CONFLICT refusal, or null for any other error. */
export function appErrorFields(error: unknown): FieldErrors | null {
  const e = error as { name?: string; code?: string; fields?: FieldErrors } | null
  if (!e || e.name !== 'AppError') return null
  if (e.code !== 'INVALID_INPUT' && e.code !== 'CONFLICT') return null
  return e.fields && Object.keys(e.fields).length ? e.fields : { form: 'errors:invalid' }
}
