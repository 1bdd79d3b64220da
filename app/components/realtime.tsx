// React side of realtime dashboards: `useRealtime(rooms, onEvent)` for routes and a small
// <LiveIndicator/> for the app shell. One connection per page, loaded lazily in the browser
// (socket.io-client lives in realtime-connection.ts and never runs on the server).
//
//   const { realtimeCursor } = useLoaderData<typeof loader>() // readRealtimeCursor() BEFORE the data
//   useRealtime([`territory:${territory.id}`], (e) => apply(e), { since: realtimeCursor })
//
// Without `since`, events from the moment of subscribing are delivered. When the server says the
// missed events are no longer kept (resync), the route's loaders are revalidated by default.
import { useRevalidator } from '@remix-run/react'
import { useEffect, useRef, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import type { RealtimeEventMessage } from '#domain/realtime/protocol.ts'
import type { ConnectionState, RealtimeConnection } from './realtime-connection'
import './realtime.css'

export type { ConnectionState } from './realtime-connection'
export type RealtimeEvent = RealtimeEventMessage

let connection: Promise<RealtimeConnection> | null = null
let currentState: ConnectionState = 'reconnecting'
let sessionEnded = false
const stateListeners = new Set<() => void>()

function getConnection(): Promise<RealtimeConnection> {
  connection ??= import('./realtime-connection').then(({ RealtimeConnection }) => {
    const created = new RealtimeConnection()
    currentState = created.state
    created.onState((state) => {
      currentState = state
      sessionEnded = created.sessionEnded
      for (const listener of stateListeners) listener()
    })
    return created
  })
  return connection
}

function subscribeState(listener: () => void) {
  stateListeners.add(listener)
  void getConnection()
  return () => {
    stateListeners.delete(listener)
  }
}

/** The connection state: 'connected' | 'reconnecting' | 'offline'. */
export function useRealtimeState(): ConnectionState {
  return useSyncExternalStore(
    subscribeState,
    () => currentState,
    () => 'reconnecting',
  )
}

/**
 * Receive the events of some rooms ('territory:<id>', 'incident:<id>'): each exactly once, in id
 * order, also across reconnects. `onEvent` may change between renders without re-subscribing.
 */
export function useRealtime(
  rooms: string[],
  onEvent: (event: RealtimeEvent) => void,
  options: { since?: string | null; onResync?: (room: string) => void } = {},
): ConnectionState {
  const revalidator = useRevalidator()
  const latest = useRef({ onEvent, onResync: options.onResync, revalidate: revalidator.revalidate })
  useEffect(() => {
    latest.current = { onEvent, onResync: options.onResync, revalidate: revalidator.revalidate }
  })
  const key = [...new Set(rooms)].sort().join('\n')
  const since = options.since ?? null
  useEffect(() => {
    if (!key) return
    let stop: (() => void) | undefined
    let cancelled = false
    void getConnection().then((c) => {
      if (cancelled) return
      stop = c.subscribe(key.split('\n'), (event) => latest.current.onEvent(event), {
        since,
        onResync: (room) => (latest.current.onResync ? latest.current.onResync(room) : latest.current.revalidate()),
        onError: (room, error) => console.warn(`realtime: subscription to ${room} refused (${error})`),
      })
    })
    return () => {
      cancelled = true
      stop?.()
    }
  }, [key, since])
  return useRealtimeState()
}

/** A small live/reconnecting/offline badge for the app shell's live slot. */
export function LiveIndicator() {
  const { t } = useTranslation(['common', 'realtime'])
  const state = useRealtimeState()
  const retry = () => {
    // after the session ended, a reload leads through sign-in
    if (sessionEnded) window.location.reload()
    else void getConnection().then((c) => c.retry())
  }
  return (
    <span className={`live-indicator live-${state}`} role="status" data-testid="live-indicator" data-state={state}>
      <span className="live-dot" aria-hidden="true" />
      {state === 'offline' ? (
        <button type="button" className="live-retry" onClick={retry} title={t(sessionEnded ? 'realtime:sessionEndedHint' : 'realtime:offlineHint')}>
          {t('common:live.offline')}
        </button>
      ) : (
        <span title={t(`realtime:${state}Hint`)}>{t(`common:live.${state}`)}</span>
      )}
    </span>
  )
}
