// Plain, JSON-safe records for loaders and CSV.
import type { ReserveItem, Warehouse } from '#generated/prisma/client.ts'

export type WarehouseRecord = {
  id: string
  territoryId: string
  name: string
  address: string
  lng: number
  lat: number
  responsibleName: string
  responsiblePhone: string
  responsibleEmail: string
  active: boolean
}

export type ItemRecord = {
  id: string
  code: string
  names: { lv: string; en: string; ru: string }
  category: ReserveItem['category']
  unit: string
  shelfLifeDays: number | null
  expiryWarningDays: number
  normQuantity: number | null
  normBasis: ReserveItem['normBasis']
  active: boolean
}

export function serializeWarehouse(w: Warehouse): WarehouseRecord {
  return {
    id: w.id,
    territoryId: w.territoryId,
    name: w.name,
    address: w.address,
    lng: w.lng,
    lat: w.lat,
    responsibleName: w.responsibleName,
    responsiblePhone: w.responsiblePhone,
    responsibleEmail: w.responsibleEmail,
    active: w.active,
  }
}

export function serializeItem(i: ReserveItem): ItemRecord {
  return {
    id: i.id,
    code: i.code,
    names: { lv: i.nameLv, en: i.nameEn, ru: i.nameRu },
    category: i.category,
    unit: i.unit,
    shelfLifeDays: i.shelfLifeDays,
    expiryWarningDays: i.expiryWarningDays,
    normQuantity: i.normQuantity === null ? null : Number(i.normQuantity),
    normBasis: i.normBasis,
    active: i.active,
  }
}

export const isoDay = (d: Date | null): string | null => (d ? d.toISOString().slice(0, 10) : null)
