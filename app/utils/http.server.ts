import { isAppError } from '#domain/errors.ts'

/**
 * Rethrow a domain NOT_FOUND / FORBIDDEN as the HTTP answer the route's error boundary shows;
 * anything else is rethrown as it is. Use as `.catch(asHttpError)` on a domain read.
 */
export function asHttpError(error: unknown): never {
  if (isAppError(error) && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN')) {
    throw new Response(error.code === 'NOT_FOUND' ? 'Not Found' : 'Forbidden', { status: error.status })
  }
  throw error
}
