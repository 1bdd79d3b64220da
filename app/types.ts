import '@remix-run/node'

declare module '@remix-run/node' {
  interface AppLoadContext {
    /** per-request CSP nonce for inline scripts */
    nonce: string
    /** client address as seen by the server (X-Forwarded-For only when TRUST_PROXY=true) */
    clientIp: string
    /** public configuration the browser may see */
    publicConfig: PublicConfig
    /** PUBLIC_URL (no trailing slash) when configured: the base of feed links and Location headers */
    publicUrl?: string
    /** PUSH_SERVICE_HOSTS: the push services a subscription may name */
    pushServiceHosts?: readonly string[]
    /** SMS_RECEIPT_SECRET: the SMS gateway signs its receipts and replies with it */
    smsReceiptSecret?: string
  }
}

export type PublicConfig = {
  mapStyleUrl: string | null
}
