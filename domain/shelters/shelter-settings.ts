// Shelter settings (Setting rows). Household records (who stays, with which needs) are sensitive
// personal data and OFF unless an administrator switches them on (decision 012).
import type { PrismaClient, Prisma } from '#generated/prisma/client.ts'

export const HOUSEHOLDS_SETTING = 'shelters.households'

export type ShelterSettings = { households: boolean }

export async function getShelterSettings(options: { prisma: Pick<PrismaClient, 'setting'> | Prisma.TransactionClient }): Promise<ShelterSettings> {
  const row = await options.prisma.setting.findUnique({ where: { key: HOUSEHOLDS_SETTING } })
  return { households: row?.value === true }
}
