import type { Role } from '#generated/prisma/enums.ts'

/** Who is doing something: passed to every domain function that changes state. */
export type Actor = {
  id: string | null
  role: Role | null
  /** label kept in the audit log, e.g. "user:<id>" or "cli" or "system" */
  label: string
  ip?: string | null
}

export const systemActor: Actor = { id: null, role: null, label: 'system' }
export const cliActor: Actor = { id: null, role: null, label: 'cli' }

export function userActor(user: { id: string; role: Role }, ip?: string | null): Actor {
  return { id: user.id, role: user.role, label: `user:${user.id}`, ip: ip ?? null }
}
