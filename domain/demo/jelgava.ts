// The demo municipality: the city of Jelgava (Zemgale, Latvia). DEMO DATA: every shape here was
// drawn by hand from general knowledge of the city's layout (the Lielupe flowing north through
// the city, the Driksa branch west of it forming Pasta sala and Pils sala) and is approximate.
// It is not an official boundary and must never be used for real operations.
// Neighbourhood names follow the names in common use (apkaimes); their limits are simplified.
import type { PolygonGeometry, Position } from '#domain/geo/types.ts'

const ring = (points: Position[]): Position[][] => [[...points, points[0]]]

export const jelgavaTerritory = {
  slug: 'jelgava',
  name: 'Jelgava',
  /** approximate city limits, about 60 km² */
  boundary: {
    type: 'Polygon',
    coordinates: ring([
      [23.65, 56.668],
      [23.672, 56.678],
      [23.695, 56.684],
      [23.715, 56.69],
      [23.738, 56.689],
      [23.752, 56.681],
      [23.772, 56.676],
      [23.792, 56.668],
      [23.803, 56.655],
      [23.795, 56.641],
      [23.778, 56.632],
      [23.757, 56.626],
      [23.738, 56.614],
      [23.716, 56.611],
      [23.695, 56.615],
      [23.672, 56.622],
      [23.655, 56.634],
      [23.645, 56.65],
    ]),
  } satisfies PolygonGeometry,
}

export type DemoArea = { name: string; kind: string; geometry: PolygonGeometry }

export const jelgavaAreas: DemoArea[] = [
  {
    // the old town west of the Driksa: Vidus, Vecais gals and the avenues (Prospektu gals)
    name: 'Centrs',
    kind: 'neighbourhood',
    geometry: {
      type: 'Polygon',
      coordinates: ring([
        [23.7, 56.645],
        [23.729, 56.643],
        [23.73, 56.651],
        [23.732, 56.66],
        [23.715, 56.662],
        [23.7, 56.66],
      ]),
    },
  },
  {
    // the island north of Lielā iela between the Driksa and the Lielupe, with the palace
    name: 'Pils sala',
    kind: 'neighbourhood',
    geometry: {
      type: 'Polygon',
      coordinates: ring([
        [23.731, 56.6515],
        [23.741, 56.6515],
        [23.743, 56.657],
        [23.739, 56.661],
        [23.733, 56.659],
      ]),
    },
  },
  {
    // the island south of Lielā iela between the Driksa and the Lielupe: park, beach, floods first
    name: 'Pasta sala',
    kind: 'neighbourhood',
    geometry: {
      type: 'Polygon',
      coordinates: ring([
        [23.73, 56.642],
        [23.738, 56.64],
        [23.741, 56.645],
        [23.741, 56.6505],
        [23.731, 56.6505],
      ]),
    },
  },
  {
    name: 'Jaunais gals',
    kind: 'neighbourhood',
    geometry: {
      type: 'Polygon',
      coordinates: ring([
        [23.695, 56.632],
        [23.728, 56.63],
        [23.729, 56.642],
        [23.7, 56.644],
      ]),
    },
  },
  {
    // south-west, along the Svēte flood meadows
    name: 'Miezīte',
    kind: 'neighbourhood',
    geometry: {
      type: 'Polygon',
      coordinates: ring([
        [23.662, 56.638],
        [23.678, 56.628],
        [23.694, 56.63],
        [23.699, 56.646],
        [23.699, 56.655],
        [23.66, 56.652],
      ]),
    },
  },
  {
    // north-west, north of Dobeles šoseja
    name: 'Līnijas',
    kind: 'neighbourhood',
    geometry: {
      type: 'Polygon',
      coordinates: ring([
        [23.66, 56.654],
        [23.699, 56.657],
        [23.699, 56.661],
        [23.69, 56.676],
        [23.672, 56.674],
        [23.659, 56.666],
      ]),
    },
  },
  {
    // north: blocks of flats, allotments, the airfield
    name: 'Lapskalni',
    kind: 'neighbourhood',
    geometry: {
      type: 'Polygon',
      coordinates: ring([
        [23.7, 56.662],
        [23.715, 56.6635],
        [23.734, 56.661],
        [23.744, 56.668],
        [23.742, 56.684],
        [23.718, 56.686],
        [23.697, 56.68],
        [23.692, 56.676],
      ]),
    },
  },
  {
    // everything east of the Lielupe
    name: 'Pārlielupe',
    kind: 'neighbourhood',
    geometry: {
      type: 'Polygon',
      coordinates: ring([
        [23.746, 56.638],
        [23.775, 56.636],
        [23.792, 56.645],
        [23.795, 56.657],
        [23.788, 56.667],
        [23.77, 56.673],
        [23.752, 56.676],
        [23.747, 56.665],
        [23.744, 56.652],
      ]),
    },
  },
]

/** Reference prefix of the demo territory's incidents (JLG-2026-0001). */
export const jelgavaReferencePrefix = 'JLG'
