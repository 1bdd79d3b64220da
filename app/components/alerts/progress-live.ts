// The progress page's live reading: the loader's reading until the alert's room brings a newer
// `alert.progress` (published by the progress ticker, server/realtime/alert-progress-ticker.ts).
import { useState } from 'react'
import type { AlertProgress } from '#domain/deliveries/get-alert-progress.ts'
import { useRealtime, type ConnectionState } from '~/components/realtime'

export function useLiveProgress(initial: AlertProgress, since: string | null): { progress: AlertProgress; state: ConnectionState } {
  const [live, setLive] = useState<AlertProgress | null>(null)
  const state = useRealtime([`alert:${initial.alertId}`], (event) => {
    if (event.type !== 'alert.progress') return
    const reading = event.payload as AlertProgress
    setLive((current) => (current && current.at > reading.at ? current : reading))
  }, { since })
  // a revalidated loader (after a resync) may be newer than the last live reading
  const progress = live && live.alertId === initial.alertId && live.at >= initial.at ? live : initial
  return { progress, state }
}
