// The alert model: OASIS Common Alerting Protocol 1.2 (shared/standards/CAP-v1.2.xsd), used as-is
// as our internal model (docs/decisions/007-cap-alert-model.md). Browser-safe: types and constants.
//
// A `CapAlert` is always the output of `validateAlert`: every time carries its zone (normalised
// to the CAP form `YYYY-MM-DDThh:mm:ss±hh:mm`, Europe/Riga offset), polygons and circles are
// canonical CAP strings ("lat,lon lat,lon …" / "lat,lon radiusKm"), enums are CAP's spelling.

export const capNamespace = 'urn:oasis:names:tc:emergency:cap:1.2'

export const capStatuses = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const
export const capMsgTypes = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] as const
export const capScopes = ['Public', 'Restricted', 'Private'] as const
export const capCategories = [
  'Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other',
] as const
export const capResponseTypes = [
  'Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None',
] as const
export const capUrgencies = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const
export const capSeverities = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const
export const capCertainties = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const

export type CapStatus = (typeof capStatuses)[number]
export type CapMsgType = (typeof capMsgTypes)[number]
export type CapScope = (typeof capScopes)[number]
export type CapCategory = (typeof capCategories)[number]
export type CapResponseType = (typeof capResponseTypes)[number]
export type CapUrgency = (typeof capUrgencies)[number]
export type CapSeverity = (typeof capSeverities)[number]
export type CapCertainty = (typeof capCertainties)[number]

/** App languages and the CAP language tag (RFC 3066 / BCP 47) we write for each. */
export const appLanguages = ['lv', 'en', 'ru'] as const
export type AppLanguage = (typeof appLanguages)[number]
export const capLanguageTags: Record<AppLanguage, string> = { lv: 'lv-LV', en: 'en-GB', ru: 'ru-RU' }
/** CAP's default when an info block names no language. */
export const capDefaultLanguage = 'en-US'

/** Time zone of the offsets we write (CAP forbids "Z"; a local offset reads naturally in Latvia). */
export const capTimeZone = 'Europe/Riga'

/** A CAP date-time: `YYYY-MM-DDThh:mm:ss±hh:mm`, no fractions, no "Z". */
export type CapDateTime = string

/** `valueName`/`value` pairs (eventCode, parameter, geocode). */
export type CapValuePair = { valueName: string; value: string }

/** One entry of `references`: the earlier message's sender, identifier and sent. */
export type CapReference = { sender: string; identifier: string; sent: CapDateTime }

export type CapResource = {
  resourceDesc: string
  mimeType: string
  size?: number
  uri?: string
  derefUri?: string
  digest?: string
}

export type CapArea = {
  areaDesc: string
  /** closed rings, "lat,lon lat,lon …" (WGS 84), first pair = last pair, ≥ 4 pairs */
  polygon: string[]
  /** "lat,lon radiusKm" */
  circle: string[]
  /** e.g. { valueName: 'SARGS_AREA', value: '<named area id>' } */
  geocode: CapValuePair[]
  /** feet above mean sea level (CAP) */
  altitude?: number
  ceiling?: number
}

export type CapInfo = {
  /** RFC 3066 language tag: ours are lv-LV, en-GB, ru-RU */
  language: string
  category: CapCategory[]
  event: string
  responseType: CapResponseType[]
  urgency: CapUrgency
  severity: CapSeverity
  certainty: CapCertainty
  audience?: string
  eventCode: CapValuePair[]
  effective?: CapDateTime
  onset?: CapDateTime
  expires?: CapDateTime
  senderName?: string
  headline?: string
  description?: string
  instruction?: string
  web?: string
  contact?: string
  parameter: CapValuePair[]
  resource: CapResource[]
  area: CapArea[]
}

export type CapAlert = {
  identifier: string
  sender: string
  sent: CapDateTime
  status: CapStatus
  msgType: CapMsgType
  source?: string
  scope: CapScope
  /** required when scope is Restricted */
  restriction?: string
  /** required when scope is Private; space-delimited, quoted when an address has spaces */
  addresses?: string
  code: string[]
  note?: string
  /** required for Update, Cancel, Ack and Error */
  references: CapReference[]
  /** space-delimited incident identifiers */
  incidents?: string
  info: CapInfo[]
}

/** Limits on what we accept (and therefore on what we send). */
export const capLimits = {
  identifierMax: 255,
  senderMax: 255,
  shortTextMax: 255,
  eventMax: 200,
  headlineMax: 160,
  descriptionMax: 8000,
  instructionMax: 4000,
  noteMax: 4000,
  areaDescMax: 1000,
  infoMax: 10,
  areaMax: 50,
  polygonsPerAreaMax: 100,
  circlesPerAreaMax: 100,
  pairsMax: 50,
  referencesMax: 100,
  resourcesMax: 10,
  derefUriMax: 512_000,
  /** circle radius, km (the incident areas' limit: 50 km) */
  radiusKmMax: 50,
  /** the whole alert as JSON, and CAP XML bodies we read */
  totalBytesMax: 1_000_000,
} as const

/** Message keys (namespace alerts) for what is wrong with an alert field. */
export const capErrors = {
  required: 'alerts:errors.required',
  invalid: 'alerts:errors.invalid',
  tooLong: 'alerts:errors.tooLong',
  tooMany: 'alerts:errors.tooMany',
  empty: 'alerts:errors.empty',
  invalidCharacters: 'alerts:errors.invalidCharacters',
  identifierInvalid: 'alerts:errors.identifierInvalid',
  senderInvalid: 'alerts:errors.senderInvalid',
  unknownValue: 'alerts:errors.unknownValue',
  timeInvalid: 'alerts:errors.timeInvalid',
  timeZoneMissing: 'alerts:errors.timeZoneMissing',
  expiresBeforeSent: 'alerts:errors.expiresBeforeSent',
  expiresBeforeOnset: 'alerts:errors.expiresBeforeOnset',
  expiresBeforeEffective: 'alerts:errors.expiresBeforeEffective',
  referencesRequired: 'alerts:errors.referencesRequired',
  referenceInvalid: 'alerts:errors.referenceInvalid',
  referenceToSelf: 'alerts:errors.referenceToSelf',
  referenceUnknown: 'alerts:errors.referenceUnknown',
  referenceSentMismatch: 'alerts:errors.referenceSentMismatch',
  referenceStatusMismatch: 'alerts:errors.referenceStatusMismatch',
  referenceNotEarlier: 'alerts:errors.referenceNotEarlier',
  referenceCancelled: 'alerts:errors.referenceCancelled',
  referenceExpired: 'alerts:errors.referenceExpired',
  restrictionRequired: 'alerts:errors.restrictionRequired',
  addressesRequired: 'alerts:errors.addressesRequired',
  infoRequired: 'alerts:errors.infoRequired',
  languageInvalid: 'alerts:errors.languageInvalid',
  languageDuplicate: 'alerts:errors.languageDuplicate',
  categoryRequired: 'alerts:errors.categoryRequired',
  areaRequired: 'alerts:errors.areaRequired',
  areaEmpty: 'alerts:errors.areaGeometryRequired',
  polygonFormat: 'alerts:errors.polygonFormat',
  circleFormat: 'alerts:errors.circleFormat',
  ceilingWithoutAltitude: 'alerts:errors.ceilingWithoutAltitude',
  ceilingBelowAltitude: 'alerts:errors.ceilingBelowAltitude',
  urlInvalid: 'alerts:errors.urlInvalid',
  alertTooLarge: 'alerts:errors.alertTooLarge',
  xmlTooLarge: 'alerts:errors.xmlTooLarge',
  xmlMalformed: 'alerts:errors.xmlMalformed',
  xmlDoctype: 'alerts:errors.xmlDoctypeRefused',
  xmlTooDeep: 'alerts:errors.xmlTooDeep',
  xmlNotCap: 'alerts:errors.xmlNotCap',
  xmlUnexpectedElement: 'alerts:errors.xmlUnexpectedElement',
  xmlRepeatedElement: 'alerts:errors.xmlRepeatedElement',
} as const
export type CapErrorKey = (typeof capErrors)[keyof typeof capErrors]
