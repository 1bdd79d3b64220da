// Times on the resident pages: the page language, the municipality's time zone (server and
// browser render the same text).
import { useFormat } from '~/components/incidents/format'

export function usePublicTime() {
  const format = useFormat()
  return (ms: number) => format.dateTime(new Date(ms).toISOString())
}
