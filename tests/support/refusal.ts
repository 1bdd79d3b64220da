// The AppError a domain call refuses with; fails the test when the call succeeds or throws
// something else.
import { type AppError, isAppError } from '#domain/errors.ts'

export async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    if (isAppError(error)) return error
    throw error
  }
  throw new Error('expected a refusal')
}
