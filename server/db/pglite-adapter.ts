// Prisma driver adapter over PGlite (pglite-prisma-adapter), with two corrections:
// - its executeScript neither awaits PGlite's exec nor reports its errors, so a failing
//   migration script would be recorded as applied: ours awaits and converts the error;
// - connectToShadowDb gives a fresh in-memory PGlite (the upstream one reuses a fixed
//   "memory://shadow" name).
// The client may be a PGlite or the gated view of one (./gate.ts) that the app uses while
// sharing the database over a socket.
import { PGlite, type Transaction } from '@electric-sql/pglite'
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils'
import { PrismaPGlite } from 'pglite-prisma-adapter'

/** The part of PGlite that pglite-prisma-adapter uses. */
export type PGliteClient = {
  query: PGlite['query']
  exec: PGlite['exec']
  transaction<T>(callback: (tx: Transaction) => Promise<T>): Promise<T>
}

type AdapterWithOnError = SqlDriverAdapter & { onError(error: unknown): never }

export function pgliteAdapterFactory(client: PGliteClient): SqlMigrationAwareDriverAdapterFactory {
  const upstream = new PrismaPGlite(client as PGlite)
  const connect = async (target: PGliteClient): Promise<SqlDriverAdapter> => {
    const adapter = (await new PrismaPGlite(target as PGlite).connect()) as AdapterWithOnError
    adapter.executeScript = async (script: string) => {
      try {
        await target.exec(script)
      } catch (error) {
        adapter.onError(error)
      }
    }
    return adapter
  }
  return {
    provider: upstream.provider,
    adapterName: upstream.adapterName,
    connect: () => connect(client),
    connectToShadowDb: async () => {
      const shadow = new PGlite()
      const adapter = await connect(shadow)
      const dispose = adapter.dispose.bind(adapter)
      adapter.dispose = async () => {
        await dispose()
        await shadow.close()
      }
      return adapter
    },
  }
}
