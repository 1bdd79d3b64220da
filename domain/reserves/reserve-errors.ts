// Message keys (namespace reserves) carried in AppError.fields, so a 409/422 names the field and
// the screen shows the reason in the user's language.
export const reserveErrors = {
  invalid: 'reserves:errors.invalid',
  required: 'reserves:errors.required',
  quantity: 'reserves:errors.quantity',
  insufficientStock: 'reserves:errors.insufficientStock',
  warehouseNotFound: 'reserves:errors.warehouseNotFound',
  warehouseInactive: 'reserves:errors.warehouseInactive',
  sameWarehouse: 'reserves:errors.sameWarehouse',
  itemNotFound: 'reserves:errors.itemNotFound',
  itemInactive: 'reserves:errors.itemInactive',
  lotNotFound: 'reserves:errors.lotNotFound',
  lotExpired: 'reserves:errors.lotExpired',
  lotMismatch: 'reserves:errors.lotMismatch',
  date: 'reserves:errors.date',
  targetNotFound: 'reserves:errors.targetNotFound',
  targetClosed: 'reserves:errors.targetClosed',
  reason: 'reserves:errors.reason',
  duplicateCode: 'reserves:errors.duplicateCode',
  duplicateName: 'reserves:errors.duplicateName',
  location: 'reserves:errors.location',
  nothingCounted: 'reserves:errors.nothingCounted',
} as const
