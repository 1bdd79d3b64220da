// Social deliveries: one per enabled account of the territory (recipientKey = SocialAccount id).
// The post is the alert in the account's language (fallback lv → en), headline and instruction
// fitted to the network's length rules with the link to the public alert page (fit-text.ts: what
// the preview shows); the account's credentials are opened for the send only. An Update, Cancel
// or all-clear replies to the post the referenced alert made on the same account.
import { openSecret } from '#domain/secrets/seal.ts'
import { pickInfo } from '#notify/cap/languages.ts'
import { markedHeadline } from '#notify/cap/status-marking.ts'
import type { CapAlert } from '#notify/cap/types.ts'
import type { SendResult } from '#notify/channels/contract.ts'
import { fitText, type SocialNetwork } from '#notify/channels/social/fit-text.ts'
import type { SocialAccountsAdapter, SocialMessage } from '#notify/channels/social/social-accounts-adapter.ts'
import type { ClaimedDelivery } from '#notify/ledger/claim.ts'
import type { Db } from '#notify/ledger/db.ts'
import type { ChannelRoute, DispatchAlert } from './dispatcher.ts'

export type SocialRouteOptions = {
  adapter: SocialAccountsAdapter
  /** opens the accounts' sealed credentials (SECRETS_KEY) */
  secretsKey: Buffer
  /** PUBLIC_URL: every post links to the public alert page */
  baseUrl?: string
}

type AccountRow = { id: string; network: SocialNetwork; language: string; config: Record<string, string>; secret: Uint8Array; updatedAt: Date; enabled: boolean }

/**
 * The post an account makes for an alert: the alert in the account's language (fallback lv → en),
 * the marked headline and the instruction fitted to the network with the link to the public alert
 * page. The composer's preview shows exactly this (domain/alerts/preview-alert-draft.ts).
 */
export function socialPostText(options: {
  alert: { identifier: string; status: string; payload: Pick<CapAlert, 'info'> }
  account: { network: SocialNetwork; language: string }
  baseUrl: string
}): { text: string; link: string; cut: boolean; fits: boolean } {
  const { alert, account } = options
  const info = pickInfo(alert.payload, [account.language])
  const link = `${options.baseUrl}/alerts/${encodeURIComponent(alert.identifier)}?lng=${account.language}`
  const headline = markedHeadline(alert.status, info?.language ?? account.language, info?.headline ?? info?.event ?? alert.identifier)
  const fitted = fitText(account.network, { headline, instruction: info?.instruction, link })
  return { text: fitted.text, link, cut: fitted.cut, fits: fitted.fits }
}

export function socialRoute(options: SocialRouteOptions): ChannelRoute<SocialMessage> {
  return {
    adapter: options.adapter,
    async prepare(db: Db, deliveries: ClaimedDelivery[], alerts: Map<string, DispatchAlert>) {
      const out = new Map<bigint, SocialMessage | SendResult>()
      if (!options.baseUrl) {
        for (const d of deliveries) out.set(d.id, { kind: 'retry', reason: 'PUBLIC_URL is not set: a post needs a link to the alert page' })
        return out
      }
      const accountIds = [...new Set(deliveries.map((d) => d.recipientKey))]
      const accounts = new Map(
        (
          await db.$queryRawUnsafe<AccountRow[]>(
            `SELECT "id", "network", "language", "config", "secret", "updatedAt", "enabled" FROM "SocialAccount" WHERE "id" = ANY($1::text[])`,
            accountIds,
          )
        ).map((a) => [a.id, a]),
      )
      // the posts the referenced alerts made on these accounts (for replies)
      const alertIds = [...new Set(deliveries.map((d) => d.alertId))]
      const earlier = await db.$queryRawUnsafe<{ alertId: string; recipientKey: string; providerMessageId: string }[]>(
        `SELECT a."id" AS "alertId", d."recipientKey", d."providerMessageId"
           FROM "Alert" a JOIN "Delivery" d ON d."alertId" = ANY(a."referencedAlertIds")
          WHERE a."id" = ANY($1::text[]) AND d."channel" = 'social' AND d."status" = 'SENT' AND d."providerMessageId" IS NOT NULL`,
        alertIds,
      )
      const replyTo = new Map(earlier.map((e) => [`${e.alertId}\n${e.recipientKey}`, e.providerMessageId]))
      for (const delivery of deliveries) {
        const account = accounts.get(delivery.recipientKey)
        const alert = alerts.get(delivery.alertId)
        if (!account || !account.enabled || !alert) {
          out.set(delivery.id, { kind: 'permanent', deadAddress: false, reason: account ? (alert ? 'account disabled' : 'alert missing') : 'account removed' })
          continue
        }
        let credentials: Record<string, string>
        try {
          credentials = openSecret(options.secretsKey, account.id, account.secret)
        } catch (error) {
          out.set(delivery.id, { kind: 'permanent', deadAddress: false, reason: error instanceof Error ? error.message : String(error) })
          continue
        }
        const { text, link } = socialPostText({ alert, account, baseUrl: options.baseUrl })
        const inReplyTo = replyTo.get(`${alert.id}\n${account.id}`)
        out.set(delivery.id, {
          account: { id: account.id, network: account.network, version: account.updatedAt.toISOString(), config: account.config, credentials },
          post: { text, link, language: account.language, ...(inReplyTo ? { inReplyTo } : {}) },
        })
      }
      return out
    },
  }
}
