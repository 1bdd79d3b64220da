// What the /subscribe page's action answers for the SMS part (sms-subscribe.server.ts), and what
// the SMS card (sms-subscribe.tsx) shows from it. Field errors are i18n keys (namespace public).

/** A message above the SMS fields: public:subscribe.sms.notice.<name> */
export type SmsNotice = 'invalid' | 'rateLimited' | 'unavailable' | 'notOffered' | 'expired'

type Common = { errors: Record<string, string>; notice?: SmsNotice; retryAfterSeconds?: number }

export type SmsValues = { phone: string; areas: string[]; languages: string[]; minSeverity: string }

export type SmsAnswer =
  /** the number (again): with what was sent, so a page without JavaScript keeps the choices */
  | (Common & { step: 'phone'; values?: SmsValues })
  /** a code went to the number (shown masked) */
  | (Common & { step: 'code'; verificationId: string; maskedPhone: string; expiresAt?: string })
  /** subscribed: the unsubscribe link (also sent by SMS) */
  | { step: 'done'; created: boolean; maskedPhone: string; stopUrl: string }
