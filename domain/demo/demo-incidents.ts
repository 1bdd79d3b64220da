// Sample incidents of the demo municipality. DEMO DATA: invented events, written in Latvian
// (the municipality's working language), placed on the approximate demo geography.
// Times are offsets from the moment of seeding, so the demo always looks current.
import type { AreaCircle, PolygonGeometry, Position } from '#domain/geo/types.ts'
import type {
  IncidentSeverity,
  IncidentStatus,
  IncidentType,
  TaskStatus,
} from '#generated/prisma/enums.ts'

const HOUR = 60 * 60 * 1000

export type DemoLogEntry = {
  /** hours before seeding */
  hoursAgo: number
  body: string
  significant?: boolean
  /** index of the entry (in this list) it corrects */
  corrects?: number
}

export type DemoTask = {
  title: string
  location?: Position
  status: TaskStatus
  /** hours from seeding (negative: in the past) */
  dueInHours?: number
}

export type DemoIncident = {
  title: string
  type: IncidentType
  severity: IncidentSeverity
  status: IncidentStatus
  description: string
  hoursAgo: number
  closedHoursAgo?: number
  area: { polygon: PolygonGeometry } | { circle: AreaCircle }
  log: DemoLogEntry[]
  tasks: DemoTask[]
}

export const demoHour = HOUR

export const jelgavaIncidents: DemoIncident[] = [
  {
    title: 'Lielupes pavasara pali: applūst Pasta sala',
    type: 'FLOOD',
    severity: 'SEVERE',
    status: 'ACTIVE',
    description:
      'Ledus iešanas un sniega kušanas dēļ Lielupes ūdens līmenis pie Jelgavas pārsniedz bīstamo atzīmi. ' +
      'Applūdušas Pasta salas pastaigu takas un autostāvvieta, ūdens tuvojas Driksas krastmalai. ' +
      '(Demonstrācijas dati.)',
    hoursAgo: 30,
    area: {
      polygon: {
        type: 'Polygon',
        coordinates: [
          [
            [23.7295, 56.6415],
            [23.7385, 56.6392],
            [23.7432, 56.6445],
            [23.7428, 56.6512],
            [23.7305, 56.6512],
            [23.7295, 56.6415],
          ],
        ],
      },
    },
    log: [
      { hoursAgo: 30, body: 'Saņemts hidrologu brīdinājums: Lielupes līmenis ceļas par 4–5 cm stundā.', significant: true },
      { hoursAgo: 26, body: 'Pasta salā slēgtas pastaigu takas un autostāvvieta; uzstādītas norādes.' },
      { hoursAgo: 20, body: 'Pašvaldības policija izvieto barjeras pie gājēju tilta pār Driksu.' },
      { hoursAgo: 6, body: 'Ūdens līmenis pie Lielupes tilta 3,28 m, turpina celties.', significant: true },
      { hoursAgo: 5, body: 'Labojums: nolasījums bija 3,18 m, nevis 3,28 m.', corrects: 3 },
    ],
    tasks: [
      { title: 'Izvietot smilšu maisus gar Driksas krastmalu', location: [23.7302, 56.6468], status: 'IN_PROGRESS', dueInHours: 4 },
      { title: 'Pārbaudīt lietus ūdens sūkņu staciju Pils salā', location: [23.7365, 56.6545], status: 'OPEN', dueInHours: 8 },
    ],
  },
  {
    title: 'Vētras postījumi Pārlielupē',
    type: 'STORM',
    severity: 'MODERATE',
    status: 'MONITORING',
    description:
      'Brāzmas līdz 25 m/s. Nogāzti koki pie Rīgas ielas, vietām bojāti jumti un elektrolīnijas. ' +
      '(Demonstrācijas dati.)',
    hoursAgo: 14,
    area: { circle: { center: [23.765, 56.6555], radiusM: 900 } },
    log: [
      { hoursAgo: 14, body: 'Saņemti pirmie zvani par nogāztiem kokiem uz brauktuves.', significant: true },
      { hoursAgo: 11, body: 'Koki no brauktuves novākti, satiksme atjaunota.' },
      { hoursAgo: 3, body: 'Vējš pierimis; turpinām uzraudzīt bojātos jumtus.' },
    ],
    tasks: [
      { title: 'Novākt nogāztos kokus no brauktuves', location: [23.7612, 56.6571], status: 'DONE', dueInHours: -10 },
      { title: 'Apsekot bojātos jumtus kopā ar būvvaldi', status: 'OPEN', dueInHours: 24 },
    ],
  },
  {
    title: 'Ūdensapgādes pārtraukums Miezītē',
    type: 'WATER_SUPPLY',
    severity: 'MODERATE',
    status: 'ACTIVE',
    description:
      'Maģistrālā ūdensvada avārija. Bez ūdens aptuveni 1200 iedzīvotāju; remonts paredzēts līdz rītdienai. ' +
      '(Demonstrācijas dati.)',
    hoursAgo: 5,
    area: {
      polygon: {
        type: 'Polygon',
        coordinates: [
          [
            [23.672, 56.6365],
            [23.6905, 56.6355],
            [23.6945, 56.6455],
            [23.6755, 56.6478],
            [23.672, 56.6365],
          ],
        ],
      },
    },
    log: [
      { hoursAgo: 5, body: 'Ūdenssaimniecība ziņo par cauruļvada plīsumu; padeve atslēgta.', significant: true },
      { hoursAgo: 2, body: 'Iedzīvotāji informēti ar SMS un pašvaldības vietnē.' },
    ],
    tasks: [{ title: 'Nodrošināt dzeramā ūdens cisternu pie skolas', location: [23.6838, 56.6418], status: 'OPEN', dueInHours: 2 }],
  },
  {
    title: 'Elektroapgādes traucējumi Lapskalnos',
    type: 'POWER_OUTAGE',
    severity: 'MINOR',
    status: 'CLOSED',
    description: 'Apakšstacijas bojājums; bez elektrības aptuveni 300 mājsaimniecību. (Demonstrācijas dati.)',
    hoursAgo: 40,
    closedHoursAgo: 30,
    area: { circle: { center: [23.718, 56.672], radiusM: 600 } },
    log: [
      { hoursAgo: 40, body: 'Sadales tīkla operators ziņo par bojājumu apakšstacijā.', significant: true },
      { hoursAgo: 31, body: 'Elektroapgāde pilnībā atjaunota.', significant: true },
    ],
    tasks: [],
  },
]
