// Prisma driver adapter over node-postgres (@prisma/adapter-pg) for a real PostgreSQL server
// and for the app's PGlite reached through its socket.
//
// One correction: adapter-pg's executeScript splits the script on ";" and runs the pieces one
// by one on whatever pool connection comes, which breaks any migration with a ";" inside a
// string, a function body or a DO block, and applies half a migration when one piece fails.
// Ours sends the whole script as one simple-protocol query, as Prisma's native engine does:
// PostgreSQL runs it as one implicit transaction (all or nothing).
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils'
import { PrismaPg } from '@prisma/adapter-pg'
import type pg from 'pg'

type PgAdapter = SqlDriverAdapter & {
  underlyingDriver(): pg.Pool
  onError(error: unknown): never
}

export type PgAdapterOptions = {
  pool: pg.PoolConfig
  /** Schema for generated queries; the pool's search_path should name it too. */
  schema?: string
  onError?: (error: Error) => void
}

export function pgAdapterFactory(options: PgAdapterOptions): SqlMigrationAwareDriverAdapterFactory {
  const upstream = new PrismaPg(options.pool, {
    schema: options.schema,
    onPoolError: options.onError,
    onConnectionError: options.onError,
  })
  const fix = (adapter: PgAdapter): PgAdapter => {
    adapter.executeScript = async (script: string) => {
      try {
        await adapter.underlyingDriver().query(script)
      } catch (error) {
        adapter.onError(error)
      }
    }
    return adapter
  }
  return {
    provider: upstream.provider,
    adapterName: upstream.adapterName,
    connect: async () => fix((await upstream.connect()) as unknown as PgAdapter),
    connectToShadowDb: async () => fix((await upstream.connectToShadowDb()) as unknown as PgAdapter),
  }
}

export type PoolRole = 'app' | 'cli' | 'test' | 'migrate'

/**
 * Pool settings. Timeouts: connecting 10 s; statements 60 s for the app (a runaway query
 * must not hold a connection forever), none for the CLI and migrations (a restore or a
 * migration rewriting a large table may take longer); an idle transaction 60 s.
 */
export function poolConfig(base: pg.PoolConfig, role: PoolRole): pg.PoolConfig {
  const interactive = role === 'app' || role === 'test'
  return {
    ...base,
    max: role === 'app' ? 10 : role === 'test' ? 4 : 1,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: `sargs-${role}`,
    statement_timeout: interactive ? 60_000 : 0,
    idle_in_transaction_session_timeout: 60_000,
  }
}
