// Shelter status colours, shared by the map layer, badges and the public finder. Browser-safe.
export const shelterStatusColors: Record<string, string> = {
  STANDBY: '#6b7280',
  OPENING: '#d97706',
  OPEN: '#1a7f37',
  FULL: '#b42318',
  CLOSED: '#1c2430',
}
