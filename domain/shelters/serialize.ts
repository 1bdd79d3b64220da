// Shelter records for the staff screens and the public: the public one carries only what a
// resident needs (no responsible person, no contacts, no procedure, no inspections, no occupancy
// ledger, no QR token), with free places and the live status (capacity.ts).
import type { Shelter } from '#generated/prisma/client.ts'
import { capacityAt, freePlaces, liveStatus } from './capacity.ts'

export type PublicShelter = {
  id: string
  name: string
  kind: Shelter['kind']
  address: string
  lng: number
  lat: number
  status: string
  capacity: number
  capacityDay: number
  capacityNight: number
  freePlaces: number
  stepFree: boolean
  accessibleToilet: boolean
  petsAllowed: boolean
  amenities: { powerBackup: boolean; water: boolean; heating: boolean; beds: boolean; firstAid: boolean }
}

export type ShelterRecord = PublicShelter & {
  territoryId: string
  code: string
  storedStatus: Shelter['status']
  occupancy: number
  responsibleName: string
  responsiblePhone: string
  responsibleEmail: string
  openingProcedure: string
  incidentId: string | null
  statusChangedAt: string | null
  lastInspectionAt: string | null
  lastInspectionFindings: string
  demo: boolean
  updatedAt: string
}

export function toPublicShelter(s: Shelter, now: Date): PublicShelter {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind,
    address: s.address,
    lng: s.lng,
    lat: s.lat,
    status: liveStatus(s, now),
    capacity: capacityAt(s, now),
    capacityDay: s.capacityDay,
    capacityNight: s.capacityNight,
    freePlaces: freePlaces(s, now),
    stepFree: s.stepFree,
    accessibleToilet: s.accessibleToilet,
    petsAllowed: s.petsAllowed,
    amenities: { powerBackup: s.powerBackup, water: s.water, heating: s.heating, beds: s.beds, firstAid: s.firstAid },
  }
}

export function toShelterRecord(s: Shelter, now: Date): ShelterRecord {
  return {
    ...toPublicShelter(s, now),
    territoryId: s.territoryId,
    code: s.code,
    storedStatus: s.status,
    occupancy: s.occupancy,
    responsibleName: s.responsibleName,
    responsiblePhone: s.responsiblePhone,
    responsibleEmail: s.responsibleEmail,
    openingProcedure: s.openingProcedure,
    incidentId: s.incidentId,
    statusChangedAt: s.statusChangedAt?.toISOString() ?? null,
    lastInspectionAt: s.lastInspectionAt?.toISOString() ?? null,
    lastInspectionFindings: s.lastInspectionFindings,
    demo: s.demo,
    updatedAt: s.updatedAt.toISOString(),
  }
}
