// The HTTP edge of CAP in, kept out of the route so that app/ does not reach into notify/: reading
// the body within the limit, telling an oversized body apart, and where the result lives.
import { isAppError } from '#domain/errors.ts'
import { readLimitedBody } from '#notify/cap/parse-xml.ts'
import { capErrors } from '#notify/cap/types.ts'
import { feedPaths } from '#notify/feeds/feed-urls.ts'
import type { AcceptedCapAlert } from './accept-cap-alert.ts'

/** The body, up to the CAP size limit; a larger one throws (isBodyTooLarge) without being read on. */
export const readCapInBody = (request: Request): Promise<Uint8Array> => readLimitedBody(request)

export const isBodyTooLarge = (error: unknown): boolean => isAppError(error) && error.fields?.xml === capErrors.xmlTooLarge

/**
 * Location of what a message made: an alert's CAP document in the public feed, or the page where
 * an operator reviews a draft (the composer's draft page).
 */
export function capInLocation(baseUrl: string, result: AcceptedCapAlert): string {
  return result.kind === 'alert'
    ? `${baseUrl}${feedPaths.capAlert(result.identifier)}`
    : `${baseUrl}/alerts/drafts/${encodeURIComponent(result.id)}`
}

