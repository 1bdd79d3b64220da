// Which capacity counts now, free places and the status a reader sees (decision 012).
// - Night (22:00–06:59 in Riga) counts the night capacity (sleeping places), day the day capacity;
//   when one of them is 0 the shelter has only the other.
// - Free places are never below zero: over capacity shows 0 free.
// - OPEN and FULL are two faces of one state: a reader sees FULL when occupancy has reached the
//   capacity of the current period, OPEN otherwise, whatever the stored flag (which check-ins and
//   check-outs keep up to date); so the day/night change needs no job to flip statuses.
// Browser-safe (no imports): the map and the finder use it too.
export type CapacityFields = { capacityDay: number; capacityNight: number; occupancy: number; status: string }

const rigaHour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Riga', hour: '2-digit', hourCycle: 'h23' })

export function isNight(now: Date): boolean {
  const hour = Number(rigaHour.format(now))
  return hour >= 22 || hour < 7
}

export function capacityAt(shelter: Pick<CapacityFields, 'capacityDay' | 'capacityNight'>, now: Date): number {
  if (shelter.capacityNight === 0) return shelter.capacityDay
  if (shelter.capacityDay === 0) return shelter.capacityNight
  return isNight(now) ? shelter.capacityNight : shelter.capacityDay
}

export function freePlaces(shelter: CapacityFields, now: Date): number {
  if (shelter.status !== 'OPEN' && shelter.status !== 'FULL') return 0
  return Math.max(0, capacityAt(shelter, now) - shelter.occupancy)
}

/** The status a reader sees (OPEN/FULL from occupancy against the capacity now). */
export function liveStatus(shelter: CapacityFields, now: Date): string {
  if (shelter.status !== 'OPEN' && shelter.status !== 'FULL') return shelter.status
  return shelter.occupancy >= capacityAt(shelter, now) ? 'FULL' : 'OPEN'
}
