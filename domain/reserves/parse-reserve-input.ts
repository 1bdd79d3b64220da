import type { z } from 'zod'
import { AppError } from '#domain/errors.ts'
import { reserveErrors } from './reserve-errors.ts'

/**
 * Parses with a reserves schema; a refusal is INVALID_INPUT with a message key per field. Nested
 * paths are joined with dots (lines.0.quantity), so a form with repeated rows can place the error.
 */
export function parseReserveInput<S extends z.ZodTypeAny>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {})
  if (result.success) return result.data
  const fields: Record<string, string> = {}
  for (const issue of result.error.issues) {
    const key = issue.path.length ? issue.path.join('.') : 'form'
    if (!(key in fields)) fields[key] = issue.message.startsWith('reserves:') ? issue.message : reserveErrors.invalid
  }
  throw new AppError('INVALID_INPUT', 'Invalid input', { fields })
}
