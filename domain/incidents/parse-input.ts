import type { z } from 'zod'
import { AppError } from '#domain/errors.ts'
import { toFieldErrors } from './schemas.ts'

/** Parses with a shared schema; a refusal is INVALID_INPUT with a message key per field. */
export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {})
  if (!result.success) {
    throw new AppError('INVALID_INPUT', 'Invalid input', { fields: toFieldErrors(result.error) })
  }
  return result.data
}
