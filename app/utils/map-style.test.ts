import { describe, expect, it } from 'vitest'
import { BACKGROUND_COLOR, chooseBasemap, isStyleSpecification, osmRaster, osmTiles, plainStyle } from './map-style'

describe('basemap', () => {
  it('uses the configured style URL, else OpenStreetMap raster tiles', () => {
    expect(chooseBasemap('https://tiles.example.lv/style.json')).toEqual({ kind: 'url', url: 'https://tiles.example.lv/style.json' })
    expect(chooseBasemap(null)).toEqual({ kind: 'osm' })
    expect(chooseBasemap('')).toEqual({ kind: 'osm' })
    const { source, layer } = osmRaster()
    expect(source.tiles).toEqual(['https://tile.openstreetmap.org/{z}/{x}/{y}.png'])
    expect(source.attribution).toContain('OpenStreetMap')
    expect(layer.source).toBe('basemap')
    expect(osmTiles.probe.startsWith('https://tile.openstreetmap.org/')).toBe(true)
  })

  it('starts from a plain background that needs no network (no sources, no glyphs, no sprites)', () => {
    const style = plainStyle()
    expect(style.sources).toEqual({})
    expect(style.glyphs).toBeUndefined()
    expect(style.sprite).toBeUndefined()
    expect(style.layers).toEqual([{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND_COLOR } }])
  })

  it('accepts only what looks like a MapLibre style', () => {
    expect(isStyleSpecification(plainStyle())).toBe(true)
    for (const bad of [null, 'style', {}, { version: 7, sources: {}, layers: [] }, { version: 8, layers: [] }, { version: 8, sources: {}, layers: {} }]) {
      expect(isStyleSpecification(bad)).toBe(false)
    }
  })
})
