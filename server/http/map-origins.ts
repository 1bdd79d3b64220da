// Origins the basemap may load from, for the CSP. The default style uses OpenStreetMap's public
// raster tiles; a configured MAP_STYLE_URL adds its own origin (its tiles, glyphs and sprites are
// expected on the same origin, or listed in MAP_EXTRA_ORIGINS).
export const defaultMapStyleOrigins = ['https://tile.openstreetmap.org']

export function mapOriginsFor(styleUrl: string): string[] {
  return [new URL(styleUrl).origin]
}
