// The one drawing control: terra-draw with its MapLibre adapter, offering a polygon mode and a
// circle mode. It keeps a single drawing (a new one replaces the old) and hands the result to
// the caller as a DrawnArea; validating it is the server's job.
import type { Map as MapLibreMap } from 'maplibre-gl'
import {
  TerraDraw,
  TerraDrawCircleMode,
  TerraDrawPolygonMode,
  ValidateNotSelfIntersecting,
  type GeoJSONStoreFeatures,
} from 'terra-draw'
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter'
import type { DrawnArea } from './map-data'

export type DrawMode = 'polygon' | 'circle'

export type DrawControl = {
  setMode(mode: DrawMode | null): void
  clear(): void
  destroy(): void
}

const round7 = (n: number) => Math.round(n * 1e7) / 1e7
const color = '#9e1b32' as const

/** A terra-draw feature as what the form sends: polygon, or circle centre + radius. */
export function toDrawnArea(feature: GeoJSONStoreFeatures): DrawnArea | null {
  if (feature.geometry.type !== 'Polygon') return null
  const ring = feature.geometry.coordinates[0].map(([x, y]) => [round7(x), round7(y)] as [number, number])
  if (feature.properties.mode === 'circle' && typeof feature.properties.radiusKilometers === 'number') {
    const corners = ring.slice(0, -1)
    const center: [number, number] = [
      round7(corners.reduce((s, p) => s + p[0], 0) / corners.length),
      round7(corners.reduce((s, p) => s + p[1], 0) / corners.length),
    ]
    return { type: 'Circle', center, radiusM: Math.round(feature.properties.radiusKilometers * 10_000) / 10 }
  }
  return { type: 'Polygon', coordinates: [ring] }
}

export function createDrawControl(map: MapLibreMap, onArea: (area: DrawnArea | null) => void): DrawControl {
  const styles = {
    fillColor: color,
    fillOpacity: 0.25,
    outlineColor: color,
    outlineWidth: 2,
  }
  const draw = new TerraDraw({
    adapter: new TerraDrawMapLibreGLAdapter({ map }),
    modes: [
      new TerraDrawPolygonMode({
        styles: { ...styles, closingPointColor: color, closingPointOutlineColor: '#ffffff', closingPointWidth: 6 },
        // refuse corners that would make the outline cross itself while drawing
        validation: (feature, { updateType }) =>
          updateType === 'finish' || updateType === 'commit' ? ValidateNotSelfIntersecting(feature) : { valid: true },
      }),
      new TerraDrawCircleMode({ styles }),
    ],
  })
  draw.start()
  draw.on('finish', (id) => {
    const feature = draw.getSnapshotFeature(id)
    const older = draw
      .getSnapshot()
      .filter((f) => f.id !== id)
      .map((f) => f.id as string)
    if (older.length) draw.removeFeatures(older)
    onArea(feature ? toDrawnArea(feature) : null)
  })
  return {
    setMode(mode) {
      draw.setMode(mode ?? 'static')
    },
    clear() {
      draw.clear()
      onArea(null)
    },
    destroy() {
      if (draw.enabled) draw.stop()
    },
  }
}
