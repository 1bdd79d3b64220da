// Demo shelters for Jelgava, written in the seed's transaction: categorised shelters in public
// buildings, short-stay shelters, an evacuation point and a warming centre; two opened for the
// spring flood (one of them full), one opening, the rest on standby; an inspection with defects.
// Occupancy goes through the ledger (one entry per shelter with people inside). DEMO DATA: the
// capacities, contacts and procedures are invented; positions and addresses are approximate.
import { randomBytes } from 'node:crypto'
import type { Prisma } from '#generated/prisma/client.ts'
import type { ShelterKind, ShelterStatus } from '#generated/prisma/enums.ts'

type DemoShelter = {
  code: string
  name: string
  kind: ShelterKind
  address: string
  at: [number, number]
  day: number
  night: number
  flags: ('stepFree' | 'accessibleToilet' | 'petsAllowed' | 'powerBackup' | 'water' | 'heating' | 'beds' | 'firstAid')[]
  responsible: [string, string]
  status: ShelterStatus
  occupancy: number
}

const procedure =
  'Atslēgas: pilsētas dežūrdienests (tālr. 63005555). 1) Atslēgt signalizāciju, atvērt galveno ieeju. 2) Ieslēgt ventilāciju un apgaismojumu. 3) Pārbaudīt ūdens un sakaru pieejamību. 4) Ziņot komisijai par gatavību.'

const shelters: DemoShelter[] = [
  { code: 'JLG-P-001', name: 'Pilsētas domes ēkas patvertne', kind: 'CATEGORY_II', address: 'Lielā iela 11, Jelgava', at: [23.7236, 56.6509], day: 150, night: 80, flags: ['stepFree', 'accessibleToilet', 'powerBackup', 'water', 'heating', 'firstAid'], responsible: ['Andris Bērziņš', '+371 20000201'], status: 'STANDBY', occupancy: 0 },
  { code: 'JLG-P-002', name: 'Kultūras nama pagrabstāvs', kind: 'CATEGORY_III', address: 'Krišjāņa Barona iela 6, Jelgava', at: [23.7213, 56.6476], day: 120, night: 0, flags: ['water', 'heating'], responsible: ['Līga Ozola', '+371 20000202'], status: 'STANDBY', occupancy: 0 },
  { code: 'JLG-P-003', name: 'Valsts ģimnāzijas patvertne', kind: 'CATEGORY_I', address: 'Mātera iela 44, Jelgava', at: [23.7118, 56.6558], day: 400, night: 200, flags: ['stepFree', 'accessibleToilet', 'powerBackup', 'water', 'heating', 'beds', 'firstAid'], responsible: ['Jānis Kalniņš', '+371 20000203'], status: 'STANDBY', occupancy: 0 },
  { code: 'JLG-I-001', name: 'Sporta halles īslaicīgā patvertne', kind: 'SHORT_STAY', address: 'Mātera iela 42, Jelgava', at: [23.7088, 56.6533], day: 300, night: 180, flags: ['stepFree', 'accessibleToilet', 'petsAllowed', 'powerBackup', 'water', 'heating', 'beds', 'firstAid'], responsible: ['Ieva Liepa', '+371 20000204'], status: 'OPEN', occupancy: 64 },
  { code: 'JLG-I-002', name: 'Pārlielupes pamatskolas īslaicīgā patvertne', kind: 'SHORT_STAY', address: 'Loka maģistrāle 19, Jelgava', at: [23.7585, 56.6548], day: 90, night: 40, flags: ['water', 'heating', 'beds'], responsible: ['Sergejs Ivanovs', '+371 20000205'], status: 'FULL', occupancy: 90 },
  { code: 'JLG-E-001', name: 'Dzelzceļa stacijas evakuācijas punkts', kind: 'EVACUATION_POINT', address: 'Stacijas iela 3, Jelgava', at: [23.7155, 56.6452], day: 500, night: 0, flags: ['stepFree', 'accessibleToilet', 'water', 'firstAid'], responsible: ['Dace Zariņa', '+371 20000206'], status: 'OPENING', occupancy: 0 },
  { code: 'JLG-S-001', name: 'Miezītes sociālā centra sildīšanas punkts', kind: 'WARMING_COOLING_CENTRE', address: 'Satiksmes iela 45, Jelgava', at: [23.6865, 56.6421], day: 50, night: 25, flags: ['stepFree', 'accessibleToilet', 'petsAllowed', 'water', 'heating', 'beds', 'firstAid'], responsible: ['Olga Petrova', '+371 20000207'], status: 'STANDBY', occupancy: 0 },
  { code: 'JLG-I-003', name: 'Ozolskolas īslaicīgā patvertne', kind: 'SHORT_STAY', address: 'Skautu iela 2, Jelgava', at: [23.7412, 56.6315], day: 160, night: 90, flags: ['powerBackup', 'water', 'heating', 'beds'], responsible: ['Māris Ozols', '+371 20000208'], status: 'STANDBY', occupancy: 0 },
]

export async function seedDemoShelters(
  tx: Prisma.TransactionClient,
  options: { territoryId: string; floodIncidentId: string | null; now: Date; actorLabel: string },
): Promise<number> {
  const { now } = options
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000)
  for (const s of shelters) {
    const opened = s.status !== 'STANDBY' && options.floodIncidentId !== null
    const shelter = await tx.shelter.create({
      data: {
        territoryId: options.territoryId,
        code: s.code,
        name: s.name,
        kind: s.kind,
        address: s.address,
        lng: s.at[0],
        lat: s.at[1],
        capacityDay: s.day,
        capacityNight: s.night,
        ...Object.fromEntries(s.flags.map((f) => [f, true])),
        responsibleName: s.responsible[0],
        responsiblePhone: s.responsible[1],
        responsibleEmail: `${s.code.toLowerCase()}@example.lv`,
        openingProcedure: procedure,
        status: opened ? s.status : 'STANDBY',
        statusChangedAt: opened ? hoursAgo(6) : null,
        incidentId: opened ? options.floodIncidentId : null,
        occupancy: opened ? s.occupancy : 0,
        lastInspectionAt: hoursAgo(24 * 40),
        lastInspectionFindings: 'Kopumā gatava lietošanai.',
        qrToken: randomBytes(16).toString('base64url'),
        demo: true,
        createdAt: hoursAgo(24 * 60),
        updatedAt: hoursAgo(2),
      },
    })
    if (opened && s.occupancy > 0) {
      await tx.shelterOccupancyEntry.create({
        data: { shelterId: shelter.id, direction: 'IN', people: s.occupancy, source: 'STAFF', occupancyAfter: s.occupancy, actorLabel: options.actorLabel, occurredAt: hoursAgo(3), createdAt: hoursAgo(3) },
      })
    }
    const inspection = await tx.shelterInspection.create({
      data: { shelterId: shelter.id, inspectedAt: hoursAgo(24 * 40), inspectorName: 'Civilās aizsardzības komisijas darba grupa', findings: 'Kopumā gatava lietošanai.', createdAt: hoursAgo(24 * 40) },
    })
    if (s.code === 'JLG-P-002') {
      for (const description of ['Nedarbojas avārijas apgaismojums kāpņu telpā', 'Nav nomainīts ventilācijas filtrs']) {
        await tx.shelterDefect.create({ data: { shelterId: shelter.id, inspectionId: inspection.id, description, createdAt: hoursAgo(24 * 40) } })
      }
    }
  }
  return shelters.length
}
