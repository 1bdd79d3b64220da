// The basemap. With MAP_STYLE_URL configured (publicConfig.mapStyleUrl) that style is used;
// otherwise a built-in style with OpenStreetMap's public raster tiles. Either way our own data
// layers (territory, areas, incidents, tasks) are added on top by the map component, and when
// the basemap cannot be loaded (no network) they stay on the plain background of `plainStyle`.
// Browser-safe: no maplibre import (types only).
import type { StyleSpecification } from 'maplibre-gl'

export const BASEMAP_SOURCE = 'basemap'
export const BACKGROUND_COLOR = '#e8ecef'

export const osmTiles = {
  tiles: ['https://tile.openstreetmap.org/{z}/{x}/{y}.png'],
  attribution: '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
  /** one small tile fetched first to learn whether the tile server is reachable */
  probe: 'https://tile.openstreetmap.org/0/0/0.png',
} as const

/** A style with nothing but a plain background: the map still works without any network. */
export function plainStyle(): StyleSpecification {
  return {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND_COLOR } }],
  }
}

/** The raster basemap source and layer for the default style (added once tiles are reachable). */
export function osmRaster() {
  return {
    source: {
      type: 'raster' as const,
      tiles: [...osmTiles.tiles],
      tileSize: 256,
      maxzoom: 19,
      attribution: osmTiles.attribution,
    },
    layer: {
      id: 'basemap-raster',
      type: 'raster' as const,
      source: BASEMAP_SOURCE,
      paint: { 'raster-opacity': 0.85 },
    },
  }
}

/** What the map should start from: a URL to fetch, or the built-in default. */
export type BasemapChoice = { kind: 'url'; url: string } | { kind: 'osm' }

export function chooseBasemap(mapStyleUrl: string | null | undefined): BasemapChoice {
  return mapStyleUrl ? { kind: 'url', url: mapStyleUrl } : { kind: 'osm' }
}

/**
 * A fetched style must look like a MapLibre style (version 8 with sources and layers) before we
 * hand it to the map; anything else counts as "basemap unavailable".
 */
export function isStyleSpecification(value: unknown): value is StyleSpecification {
  const v = value as Partial<StyleSpecification> | null
  return !!v && typeof v === 'object' && v.version === 8 && typeof v.sources === 'object' && Array.isArray(v.layers)
}
