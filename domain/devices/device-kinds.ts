// Browser-safe constants of device groups (the admin screen imports them).
/** gateway: audio paging gateways; they may also subscribe to the page topics of the paging groups with an audio gateway */
export const DEVICE_GROUP_KINDS = ['siren', 'display', 'gateway', 'other'] as const
export type DeviceGroupKind = (typeof DEVICE_GROUP_KINDS)[number]
export const DEVICE_LANGUAGES = ['lv', 'en', 'ru'] as const
