// Phone deliveries (channel 'phone', recipientKey = Phone id; issue 4, decisions 015 and 021): the
// desk phones of the paging groups the operator picked. prepare loads each phone with its group,
// opens the phone's sealed credentials, renders the page in the GROUP's language (render-phone.ts:
// the composer's preview is the same function) and, when the group requires an acknowledgement and
// the phone can give one (Cisco: a soft key that requests a URL), adds the signed ack URL. A Cisco
// phone is only told where to fetch its page (CiscoIPPhoneExecute): Sargs serves it at the signed,
// expiring /phone/page/<token> (app/routes/phone.page.$token.ts), so it needs PUBLIC_URL.
import { openSecret } from '#domain/secrets/seal.ts'
import { phoneAckUrl, phonePageUrl, phoneTokenKey } from '#domain/paging/phone-tokens.ts'
import type { ChannelAdapter, ChannelLimits, SendContext, SendResult } from '#notify/channels/contract.ts'
import type { CiscoTextPage } from '#notify/channels/phones/cisco.ts'
import { PhonePagingAdapter, type PhonePagingAdapterOptions } from '#notify/channels/phones/phone-paging-adapter.ts'
import { PHONE_LIMITS, type PhonePage, type PhoneVendor } from '#notify/channels/phones/phone-page.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import type { ClaimedDelivery } from '#notify/ledger/claim.ts'
import type { Db } from '#notify/ledger/db.ts'
import type { ChannelRoute, DispatchAlert } from './dispatcher.ts'
import { phoneKeyLabels, renderPhonePage } from './render-phone.ts'

export const PHONE_CHANNEL = 'phone'

/** What the route hands the adapter: the page and whether the phone's web server speaks https. */
export type PhoneMessage = { scheme: 'http' | 'https'; page: PhonePage }

/** Vendors whose page has a soft key that requests a URL we can count as an acknowledgement. */
export const ACK_VENDORS: readonly PhoneVendor[] = ['cisco']

/**
 * The adapter of channel 'phone': the vendors' push interfaces (PhonePagingAdapter, decision 015)
 * over http or https as the phone's address says.
 */
export class PhoneChannelAdapter implements ChannelAdapter<PhoneMessage> {
  readonly channel = PHONE_CHANNEL
  readonly limits: ChannelLimits = { maxPayloadBytes: PHONE_LIMITS.cisco.textBytes }
  private readonly http: PhonePagingAdapter
  private readonly https: PhonePagingAdapter

  constructor(options: Pick<PhonePagingAdapterOptions, 'httpsAgent'> = {}) {
    this.http = new PhonePagingAdapter({ scheme: 'http' })
    this.https = new PhonePagingAdapter({ scheme: 'https', ...(options.httpsAgent ? { httpsAgent: options.httpsAgent } : {}) })
  }

  send(message: PhoneMessage, ctx: SendContext): Promise<SendResult> {
    return (message.scheme === 'https' ? this.https : this.http).send(message.page, ctx)
  }
}

export type PhoneRouteOptions = {
  adapter?: ChannelAdapter<PhoneMessage>
  /** opens the phones' sealed credentials and signs the page and ack URLs (SECRETS_KEY) */
  secretsKey: Buffer
  /** PUBLIC_URL: where a Cisco phone fetches its page and where the ack key points */
  baseUrl?: string
}

type PhoneRow = { id: string; vendor: PhoneVendor; address: string; secret: Uint8Array | null; enabled: boolean; language: string; requireAck: boolean; groupEnabled: boolean }

/** The page of one delivery to one phone (also what /phone/page/<token> serves a Cisco phone). */
export function composePhonePage(
  alert: Pick<CapAlert, 'status' | 'identifier' | 'info'>,
  group: { language: string; requireAck: boolean },
  vendor: PhoneVendor,
  deliveryId: bigint,
  urls: { baseUrl?: string; key: Buffer },
): Omit<PhonePage, 'phone'> & CiscoTextPage {
  const rendered = renderPhonePage(alert, group.language)
  const labels = phoneKeyLabels(group.language)
  const ack = group.requireAck && ACK_VENDORS.includes(vendor) && urls.baseUrl ? phoneAckUrl(urls.baseUrl, deliveryId, urls.key) : undefined
  return {
    title: rendered.title,
    text: rendered.text,
    priority: rendered.priority,
    exitLabel: labels.exit,
    ...(ack ? { ackUrl: ack, ackLabel: labels.ack } : {}),
  }
}

/** "http://10.0.0.5:8080" → scheme and "10.0.0.5:8080"; undefined when it is not such a URL. */
export function splitPhoneAddress(address: string): { scheme: 'http' | 'https'; hostPort: string } | undefined {
  try {
    const url = new URL(address)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
    return { scheme: url.protocol === 'https:' ? 'https' : 'http', hostPort: url.host }
  } catch {
    return undefined
  }
}

export function phoneRoute(options: PhoneRouteOptions): ChannelRoute<PhoneMessage> {
  const adapter = options.adapter ?? new PhoneChannelAdapter()
  if (adapter.channel !== PHONE_CHANNEL) throw new Error(`phoneRoute: the adapter sends on '${adapter.channel}', not '${PHONE_CHANNEL}'`)
  const key = phoneTokenKey(options.secretsKey)
  return {
    adapter,
    async prepare(db: Db, deliveries: ClaimedDelivery[], alerts: Map<string, DispatchAlert>) {
      const out = new Map<bigint, PhoneMessage | SendResult>()
      const ids = [...new Set(deliveries.map((d) => d.recipientKey))]
      const rows = await db.$queryRawUnsafe<PhoneRow[]>(
        `SELECT p."id", p."vendor", p."address", p."secret", p."enabled", g."language", g."requireAck", g."enabled" AS "groupEnabled"
           FROM "Phone" p JOIN "PagingGroup" g ON g."id" = p."groupId"
          WHERE p."id" = ANY($1::text[])`,
        ids,
      )
      const phones = new Map(rows.map((r) => [r.id, r]))
      for (const delivery of deliveries) {
        const phone = phones.get(delivery.recipientKey)
        const alert = alerts.get(delivery.alertId)
        if (!phone || !alert) {
          out.set(delivery.id, { kind: 'permanent', deadAddress: false, reason: phone ? 'alert missing' : 'phone removed' })
          continue
        }
        if (!phone.enabled || !phone.groupEnabled) {
          out.set(delivery.id, { kind: 'permanent', deadAddress: false, reason: phone.enabled ? 'paging group disabled' : 'phone disabled' })
          continue
        }
        const address = splitPhoneAddress(phone.address)
        if (!address) {
          out.set(delivery.id, { kind: 'permanent', deadAddress: false, reason: `not a phone address: ${phone.address}` })
          continue
        }
        if (phone.vendor === 'cisco' && !options.baseUrl) {
          // like social posts: waits (and is retried) until PUBLIC_URL is configured
          out.set(delivery.id, { kind: 'retry', reason: 'PUBLIC_URL is not set: a Cisco phone fetches its page from Sargs' })
          continue
        }
        let credentials: Record<string, string> = {}
        if (phone.secret) {
          try {
            credentials = openSecret(options.secretsKey, phone.id, phone.secret)
          } catch (error) {
            out.set(delivery.id, { kind: 'permanent', deadAddress: false, reason: error instanceof Error ? error.message : String(error) })
            continue
          }
        }
        const page = composePhonePage(alert.payload, phone, phone.vendor, delivery.id, { baseUrl: options.baseUrl, key })
        out.set(delivery.id, {
          scheme: address.scheme,
          page: {
            ...page,
            phone: { vendor: phone.vendor, address: address.hostPort, username: credentials.username ?? '', password: credentials.password ?? '' },
            ...(phone.vendor === 'cisco' && options.baseUrl ? { pageUrl: phonePageUrl(options.baseUrl, delivery.id, key) } : {}),
          },
        })
      }
      return out
    },
  }
}
