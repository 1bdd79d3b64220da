// Social networks (issue 4; docs/decisions/017-social-networks.md): four adapters that post one
// short alert to the municipality's own account, and the length rules the composer previews with.
//
//   const fitted = fitText('x', { headline, instruction, link })   // { text, cut, fits, length, limit }
//   adapter.send({ text: fitted.text, link, inReplyTo?, language }, { idempotencyKey, timeoutMs })
//     → { kind: 'sent', providerMessageId }   keep it: the Cancel / all-clear passes it as inReplyTo
//
//   channel            class                 configuration (credentials: stored encrypted by the lead)
//   social-mastodon    MastodonAdapter       instanceUrl, accessToken, visibility?, maxCharacters?
//   social-telegram    TelegramAdapter       botToken, chatId ('@channel' or -100…), apiUrl?, linkPreview?
//   social-facebook    FacebookPageAdapter   pageId, pageAccessToken, appSecret?, graphVersion?, graphUrl?, replies?
//   social-x           XAdapter              consumerKey, consumerSecret, accessToken, accessTokenSecret, apiUrl?, maxWeightedLength?
//
// Every base URL defaults to the real host; tests and an offline developer point it at the fakes
// in tests/fakes/social/. Only Mastodon takes an idempotency key (Idempotency-Key header).
export type { SocialPost } from './social-post.ts'
export { countPostLength, fitText, POST_LIMITS, type FitParts, type FitResult, type SocialNetwork } from './fit-text.ts'
export { MastodonAdapter, type MastodonAdapterOptions, type MastodonVisibility } from './mastodon.ts'
export { TelegramAdapter, type TelegramAdapterOptions } from './telegram.ts'
export { FacebookPageAdapter, type FacebookPageAdapterOptions } from './facebook.ts'
export { XAdapter, type XAdapterOptions } from './x.ts'
