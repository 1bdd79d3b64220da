// Reliability matrix row 20: an Update or Cancel must refer to alerts we know, that are still in
// force. Pure: the caller looks the referenced alerts up (by sender + identifier, in the same
// transaction that issues the new one) and passes what it found.
import { AppError } from '#domain/errors.ts'
import { capTimeToMs } from './cap-time.ts'
import { capErrors, type CapAlert, type CapDateTime, type CapMsgType, type CapStatus } from './types.ts'

/** What the caller knows of a referenced alert. */
export type ReferencedAlert = {
  sender: string
  identifier: string
  sent: CapDateTime
  status: CapStatus
  msgType: CapMsgType
  /** latest expiry over its info blocks; undefined when it never expires */
  expiresMs?: number
  /** a Cancel referring to it was issued already */
  cancelled: boolean
}

export type CheckReferencesOptions = {
  alert: CapAlert
  /** the referenced alerts that were found (unknown ones are simply missing) */
  found: ReferencedAlert[]
  now: Date
}

const key = (sender: string, identifier: string) => `${sender}\u0000${identifier}`
/** Exercise traffic never mixes with real traffic (decision 006). */
const realm = (status: CapStatus) => (status === 'Actual' ? 'real' : status)

/**
 * Throws AppError INVALID_INPUT (422) when a reference is unknown or does not match the alert it
 * names, and CONFLICT (409) when an Update or Cancel refers to an alert that was cancelled or has
 * expired. `fields` name each reference (`references.0`).
 */
export function checkReferences(options: CheckReferencesOptions): void {
  const { alert } = options
  const byKey = new Map(options.found.map((f) => [key(f.sender, f.identifier), f]))
  const invalid: Record<string, string> = {}
  const conflict: Record<string, string> = {}
  const sent = capTimeToMs(alert.sent)
  const now = options.now.getTime()
  alert.references.forEach((ref, i) => {
    const field = `references.${i}`
    const target = byKey.get(key(ref.sender, ref.identifier))
    if (!target) invalid[field] = capErrors.referenceUnknown
    else if (capTimeToMs(target.sent) !== capTimeToMs(ref.sent)) invalid[field] = capErrors.referenceSentMismatch
    else if (realm(target.status) !== realm(alert.status)) invalid[field] = capErrors.referenceStatusMismatch
    else if (capTimeToMs(target.sent) >= sent) invalid[field] = capErrors.referenceNotEarlier
    else if (alert.msgType === 'Update' || alert.msgType === 'Cancel') {
      if (target.cancelled || target.msgType === 'Cancel') conflict[field] = capErrors.referenceCancelled
      else if (target.expiresMs !== undefined && target.expiresMs <= now) conflict[field] = capErrors.referenceExpired
    }
  })
  if (Object.keys(invalid).length) {
    throw new AppError('INVALID_INPUT', `Unknown or mismatched references: ${Object.keys(invalid).join(', ')}`, { fields: invalid })
  }
  if (Object.keys(conflict).length) {
    throw new AppError('CONFLICT', `References to alerts no longer in force: ${Object.keys(conflict).join(', ')}`, { fields: conflict })
  }
}
