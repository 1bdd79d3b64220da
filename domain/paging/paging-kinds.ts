// The choices of the paging screens: safe to import from a component (no server code), unlike
// paging-groups.ts, which the client bundle must never pull in.
export const PHONE_VENDORS = ['cisco', 'yealink', 'poly'] as const
export type PhoneVendorName = (typeof PHONE_VENDORS)[number]
export const PAGING_LANGUAGES = ['lv', 'en', 'ru'] as const
