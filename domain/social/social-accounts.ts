// The municipality's social accounts (administrators only): add one with its network's settings
// and credentials (sealed at once: domain/secrets/seal.ts), list them without credentials (a hint
// of the last characters only), switch one on or off, remove one. Every change is audited without
// the credentials.
import crypto from 'node:crypto'
import { actorFields } from '#domain/audit/actor-fields.ts'
import { recordAudit } from '#domain/audit/record-audit.ts'
import type { Actor } from '#domain/auth/actor.ts'
import { AppError } from '#domain/errors.ts'
import { authorize } from '#domain/incidents/authorize.ts'
import { sealSecret, secretHint } from '#domain/secrets/seal.ts'
import { getDefaultTerritory } from '#domain/territory/get-territory.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import { socialNetworkFields } from '#notify/channels/social/social-accounts-adapter.ts'
import type { SocialNetwork } from '#notify/channels/social/fit-text.ts'

export type SocialAccountView = { id: string; network: SocialNetwork; name: string; language: string; config: Record<string, string>; secretHint: string; enabled: boolean }

const NETWORKS = Object.keys(socialNetworkFields) as SocialNetwork[]
const LANGUAGES = ['lv', 'en', 'ru']
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '')

export async function addSocialAccount(options: { prisma: PrismaClient; actor: Actor; secretsKey: Buffer; input: Record<string, unknown> }): Promise<SocialAccountView> {
  authorize(options.actor, 'manage:settings:any')
  const { input } = options
  const errors: Record<string, string> = {}
  const network = text(input.network) as SocialNetwork
  if (!NETWORKS.includes(network)) errors.network = 'admin:errors.invalid'
  const name = text(input.name)
  if (name.length < 1 || name.length > 80) errors.name = 'admin:errors.required'
  const language = text(input.language) || 'lv'
  if (!LANGUAGES.includes(language)) errors.language = 'admin:errors.invalid'
  const fields = socialNetworkFields[network] ?? { config: [], credentials: [] }
  const config: Record<string, string> = {}
  for (const f of fields.config) {
    config[f] = text(input[f])
    if (!config[f] || config[f].length > 300) errors[f] = 'admin:errors.required'
  }
  if (network === 'mastodon' && config.instanceUrl && !/^https?:\/\/[^\s/]+/.test(config.instanceUrl)) errors.instanceUrl = 'admin:errors.invalid'
  for (const f of ['apiUrl', 'graphUrl']) if (text(input[f])) config[f] = text(input[f])
  const credentials: Record<string, string> = {}
  for (const f of fields.credentials) {
    credentials[f] = text(input[f])
    if (!credentials[f] || credentials[f].length > 2000) errors[f] = 'admin:errors.required'
  }
  for (const f of fields.optionalCredentials ?? []) if (text(input[f])) credentials[f] = text(input[f])
  if (Object.keys(errors).length > 0) throw new AppError('INVALID_INPUT', `invalid social account: ${Object.keys(errors).join(', ')}`, { fields: errors })
  const territory = await getDefaultTerritory({ prisma: options.prisma })
  if (!territory) throw new AppError('UNAVAILABLE', 'no territory is configured yet')
  const id = crypto.randomUUID()
  const hint = secretHint(credentials[fields.credentials[0]])
  const row = await options.prisma.$transaction(async (tx) => {
    const taken = await tx.socialAccount.findUnique({ where: { territoryId_name: { territoryId: territory.id, name } } })
    if (taken) throw new AppError('CONFLICT', 'an account with this name exists', { fields: { name: 'admin:errors.taken' } })
    const created = await tx.socialAccount.create({
      data: { id, territoryId: territory.id, network, name, language, config, secret: new Uint8Array(sealSecret(options.secretsKey, id, credentials)), secretHint: hint },
    })
    await recordAudit(tx, { ...actorFields(options.actor), action: 'social-account.added', entityType: 'SocialAccount', entityId: id, data: { network, name, language, config, secretHint: hint } })
    return created
  })
  return view(row)
}

export async function listSocialAccounts(options: { prisma: PrismaClient; actor: Actor }): Promise<SocialAccountView[]> {
  authorize(options.actor, 'manage:settings:any')
  const rows = await options.prisma.socialAccount.findMany({ orderBy: [{ network: 'asc' }, { name: 'asc' }] })
  return rows.map(view)
}

export async function setSocialAccountEnabled(options: { prisma: PrismaClient; actor: Actor; id: string; enabled: boolean }): Promise<SocialAccountView> {
  authorize(options.actor, 'manage:settings:any')
  return options.prisma.$transaction(async (tx) => {
    const found = await tx.socialAccount.findUnique({ where: { id: options.id } })
    if (!found) throw new AppError('NOT_FOUND', 'no such social account')
    const row = await tx.socialAccount.update({ where: { id: options.id }, data: { enabled: options.enabled } })
    await recordAudit(tx, { ...actorFields(options.actor), action: options.enabled ? 'social-account.enabled' : 'social-account.disabled', entityType: 'SocialAccount', entityId: row.id, data: { name: row.name } })
    return view(row)
  })
}

function view(row: { id: string; network: string; name: string; language: string; config: unknown; secretHint: string; enabled: boolean }): SocialAccountView {
  return { id: row.id, network: row.network as SocialNetwork, name: row.name, language: row.language, config: row.config as Record<string, string>, secretHint: row.secretHint, enabled: row.enabled }
}

/**
 * Replace an account's credentials (write-only: the new ones are sealed at once, never shown back;
 * the hint changes to the new main credential's last characters). Audited without them.
 */
export async function replaceSocialAccountCredentials(options: { prisma: PrismaClient; actor: Actor; secretsKey: Buffer; id: string; input: Record<string, unknown> }): Promise<SocialAccountView> {
  authorize(options.actor, 'manage:settings:any')
  return options.prisma.$transaction(async (tx) => {
    const found = await tx.socialAccount.findUnique({ where: { id: options.id } })
    if (!found) throw new AppError('NOT_FOUND', 'no such social account')
    const fields = socialNetworkFields[found.network as SocialNetwork] ?? { config: [], credentials: [] }
    const errors: Record<string, string> = {}
    const credentials: Record<string, string> = {}
    for (const f of fields.credentials) {
      credentials[f] = text(options.input[f])
      if (!credentials[f] || credentials[f].length > 2000) errors[f] = 'admin:errors.required'
    }
    for (const f of fields.optionalCredentials ?? []) if (text(options.input[f])) credentials[f] = text(options.input[f])
    if (Object.keys(errors).length > 0) throw new AppError('INVALID_INPUT', `invalid credentials: ${Object.keys(errors).join(', ')}`, { fields: errors })
    const hint = secretHint(credentials[fields.credentials[0]])
    const row = await tx.socialAccount.update({
      where: { id: found.id },
      data: { secret: new Uint8Array(sealSecret(options.secretsKey, found.id, credentials)), secretHint: hint },
    })
    await recordAudit(tx, { ...actorFields(options.actor), action: 'social-account.credentials-replaced', entityType: 'SocialAccount', entityId: found.id, data: { name: found.name, secretHint: hint } })
    return view(row)
  })
}

/** The fields each network needs (config and credentials), for the admin screen. */
export { socialNetworkFields }
