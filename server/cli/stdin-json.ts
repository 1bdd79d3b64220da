// Credentials for the CLI come on standard input, never as arguments (they would stay in the shell
// history and the process list): a JSON object, read whole.
import { UsageError } from './main.ts'

/** The JSON object on standard input; `example` is shown when nothing came. */
export async function readStdinJson(example: string): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8').trim()
  if (!text) throw new UsageError(`give the credentials as a JSON object on standard input, e.g. ${example}`)
  try {
    const value = JSON.parse(text) as unknown
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object')
    return value as Record<string, unknown>
  } catch {
    throw new UsageError('standard input is not a JSON object of credentials')
  }
}
