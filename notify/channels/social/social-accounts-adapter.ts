// The 'social' channel in the engine: one adapter for all the municipality's accounts. Each message
// names its account — network, non-secret settings and the credentials the route opened for this
// send — and goes out through that network's adapter (mastodon.ts, telegram.ts, facebook.ts,
// x.ts), made once per account version and kept. Like every adapter it reads no environment,
// touches no database and never retries.
import type { ChannelAdapter, ChannelLimits, SendContext, SendResult } from '../contract.ts'
import type { SocialNetwork } from './fit-text.ts'
import { FacebookPageAdapter } from './facebook.ts'
import { MastodonAdapter } from './mastodon.ts'
import type { SocialPost } from './social-post.ts'
import { TelegramAdapter } from './telegram.ts'
import { XAdapter } from './x.ts'

export type SocialAccountRef = {
  id: string
  network: SocialNetwork
  /** changes when the account's settings change (its adapter is made anew) */
  version: string
  /** instanceUrl, chatId, pageId, apiUrl, graphUrl … */
  config: Record<string, string>
  /** accessToken, botToken, pageAccessToken, appSecret, consumerKey … (opened for this send) */
  credentials: Record<string, string>
}

export type SocialMessage = { account: SocialAccountRef; post: SocialPost }

export const SOCIAL_CHANNEL = 'social'

/** The settings and credentials each network needs (the administrator's form asks for these). */
export const socialNetworkFields: Record<SocialNetwork, { config: string[]; credentials: string[]; optionalCredentials?: string[] }> = {
  mastodon: { config: ['instanceUrl'], credentials: ['accessToken'] },
  telegram: { config: ['chatId'], credentials: ['botToken'] },
  facebook: { config: ['pageId'], credentials: ['pageAccessToken'], optionalCredentials: ['appSecret'] },
  x: { config: [], credentials: ['consumerKey', 'consumerSecret', 'accessToken', 'accessTokenSecret'] },
}

export class SocialAccountsAdapter implements ChannelAdapter<SocialMessage> {
  readonly channel = SOCIAL_CHANNEL
  readonly limits: ChannelLimits = {}
  private readonly adapters = new Map<string, { version: string; adapter: ChannelAdapter<SocialPost> }>()

  async send(message: SocialMessage, ctx: SendContext): Promise<SendResult> {
    let adapter: ChannelAdapter<SocialPost>
    try {
      adapter = this.adapterFor(message.account)
    } catch (error) {
      return { kind: 'permanent', deadAddress: false, reason: `account settings: ${error instanceof Error ? error.message : String(error)}` }
    }
    return adapter.send(message.post, ctx)
  }

  private adapterFor(account: SocialAccountRef): ChannelAdapter<SocialPost> {
    const kept = this.adapters.get(account.id)
    if (kept && kept.version === account.version) return kept.adapter
    const c = account.config
    const k = account.credentials
    const adapter: ChannelAdapter<SocialPost> =
      account.network === 'mastodon'
        ? new MastodonAdapter({ instanceUrl: c.instanceUrl, accessToken: k.accessToken })
        : account.network === 'telegram'
          ? new TelegramAdapter({ botToken: k.botToken, chatId: c.chatId, ...(c.apiUrl ? { apiUrl: c.apiUrl } : {}) })
          : account.network === 'facebook'
            ? new FacebookPageAdapter({ pageId: c.pageId, pageAccessToken: k.pageAccessToken, ...(k.appSecret ? { appSecret: k.appSecret } : {}), ...(c.graphUrl ? { graphUrl: c.graphUrl } : {}) })
            : new XAdapter({ consumerKey: k.consumerKey, consumerSecret: k.consumerSecret, accessToken: k.accessToken, accessTokenSecret: k.accessTokenSecret, ...(c.apiUrl ? { apiUrl: c.apiUrl } : {}) })
    this.adapters.set(account.id, { version: account.version, adapter })
    return adapter
  }
}
