// The device layer's data for the staff map (decision 022): one Point feature per enabled device
// with a position, with its health (online when seen within the last minutes, last seen, last
// acknowledgement). Browser-safe.
import type { FeatureCollection, Point } from 'geojson'

export type DeviceFeatureProps = {
  id: string
  name: string
  username: string
  group: string
  kind: string
  online: boolean
  lastSeenAt: string | null
  lastAckAt: string | null
}

export type DeviceMapInput = DeviceFeatureProps & { lng: number; lat: number }

export function buildDeviceFeatures(devices: DeviceMapInput[]): FeatureCollection<Point, DeviceFeatureProps> {
  return {
    type: 'FeatureCollection',
    features: devices.map(({ lng, lat, ...properties }) => ({
      type: 'Feature' as const,
      id: properties.id,
      properties,
      geometry: { type: 'Point' as const, coordinates: [lng, lat] },
    })),
  }
}

export const deviceColors = { online: '#15803d', offline: '#6b7280' } as const
