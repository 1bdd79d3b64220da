// The operator's group picks in the composer (issue 4): paging groups (desk phones on 'phone', and
// their audio gateways on 'mqtt'), device groups ('mqtt') and staff groups (staff members' own
// numbers on 'sms'). issueCapAlert stores them on the alert; the fan-out turns them into deliveries.
//
// A draft carries its picks beside the CAP payload under DRAFT_PICKS_KEY (AlertDraft has no
// columns for them; the key is stripped before the payload is validated or issued, so it never
// reaches a CAP document) — the same way a draft carries its channels beside the CAP.
import type { PrismaClient } from '#generated/prisma/client.ts'
import { listDeviceGroupsForComposer, type ComposerDeviceGroup } from '#domain/devices/devices.ts'
import { listPagingGroupsForComposer, type ComposerPagingGroup } from '#domain/paging/paging-groups.ts'
import { listStaffGroupsForComposer, type StaffGroupPick } from '#domain/staff/staff-groups.ts'
import { composerPickFields, type GroupPicks } from './composer-fields.ts'

export type { GroupPicks } from './composer-fields.ts'
export const DRAFT_PICKS_KEY = 'sargsGroupPicks'
export const noPicks: GroupPicks = { pagingGroupIds: [], deviceGroupIds: [], staffGroupIds: [] }

const ids = (v: unknown): string[] =>
  [...new Set((Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim()))]

/** The picks in the composer's form values (checkbox groups: absent, one string or several). */
export function parseGroupPicks(values: Record<string, unknown>): GroupPicks {
  return { pagingGroupIds: ids(values.pagingGroupIds), deviceGroupIds: ids(values.deviceGroupIds), staffGroupIds: ids(values.staffGroupIds) }
}

/**
 * Errors per form field (i18n keys): a picked group must exist in the alert's territory, and a
 * channel addressed by group only needs a group ('phone': a paging group; 'mqtt': a device group
 * or a paging group with an audio gateway).
 */
export async function checkGroupPicks(prisma: PrismaClient, options: { territoryId: string; picks: GroupPicks; channels: string[] }): Promise<Record<string, string>> {
  const { territoryId, picks, channels } = options
  const fields: Record<string, string> = {}
  const [paging, devices, staff] = await Promise.all([
    picks.pagingGroupIds.length ? prisma.pagingGroup.findMany({ where: { id: { in: picks.pagingGroupIds }, territoryId }, select: { id: true, audioGateway: true } }) : [],
    picks.deviceGroupIds.length ? prisma.deviceGroup.findMany({ where: { id: { in: picks.deviceGroupIds }, territoryId }, select: { id: true } }) : [],
    picks.staffGroupIds.length ? prisma.staffGroup.findMany({ where: { id: { in: picks.staffGroupIds }, territoryId }, select: { id: true } }) : [],
  ])
  if (paging.length !== picks.pagingGroupIds.length) fields.pagingGroupIds = 'alerts:errors.unknownGroup'
  if (devices.length !== picks.deviceGroupIds.length) fields.deviceGroupIds = 'alerts:errors.unknownGroup'
  if (staff.length !== picks.staffGroupIds.length) fields.staffGroupIds = 'alerts:errors.unknownGroup'
  if (channels.includes('phone') && picks.pagingGroupIds.length === 0) fields.pagingGroupIds ??= 'alerts:errors.pagingGroupRequired'
  if (channels.includes('mqtt') && picks.deviceGroupIds.length === 0 && !paging.some((g) => g.audioGateway)) fields.deviceGroupIds ??= 'alerts:errors.deviceGroupRequired'
  return fields
}

/** A draft's stored payload split into the CAP payload and the picks. */
export function splitDraftPayload<T extends object>(stored: T): { payload: T; picks: GroupPicks } {
  const { [DRAFT_PICKS_KEY]: raw, ...payload } = stored as T & { [DRAFT_PICKS_KEY]?: Record<string, unknown> }
  return { payload: payload as T, picks: raw ? parseGroupPicks(raw) : { ...noPicks } }
}

/** The CAP payload with the picks beside it, as a draft stores it. */
export function joinDraftPayload<T extends object>(payload: T, picks: GroupPicks): T {
  const empty = composerPickFields.every((f) => picks[f].length === 0)
  return empty ? payload : { ...payload, [DRAFT_PICKS_KEY]: picks }
}

export type ComposerGroups = { pagingGroups: ComposerPagingGroup[]; deviceGroups: ComposerDeviceGroup[]; staffGroups: StaffGroupPick[] }

/** The territory's groups as the composer lists them, with their counts. */
export async function loadComposerGroups(prisma: PrismaClient, territoryId: string): Promise<ComposerGroups> {
  const [pagingGroups, deviceGroups, staffGroups] = await Promise.all([
    listPagingGroupsForComposer(prisma, territoryId),
    listDeviceGroupsForComposer(prisma, territoryId),
    listStaffGroupsForComposer(prisma, territoryId),
  ])
  return { pagingGroups, deviceGroups, staffGroups }
}
