// Test support: validates XML against the OASIS CAP 1.2 schema with libxml2 compiled to
// WebAssembly (xmllint-wasm, a devDependency: nothing native, nothing fetched). The schema is read
// from ../shared/standards/CAP-v1.2.xsd beside the repository (CI clones with ../shared next to it).
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { validateXML } from 'xmllint-wasm'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const capXsdPath = resolve(repoRoot, '..', 'shared', 'standards', 'CAP-v1.2.xsd')

let schema: string | undefined

export function capXsd(): string {
  if (schema === undefined) {
    if (!existsSync(capXsdPath)) {
      throw new Error(
        `The OASIS CAP 1.2 schema is missing: expected ${capXsdPath} (the shared/ folder beside the repository).`,
      )
    }
    schema = readFileSync(capXsdPath, 'utf8')
  }
  return schema
}

/** Schema errors of each document (an empty list when it validates). */
export async function capSchemaErrors(documents: string[]): Promise<string[][]> {
  const result = await validateXML({
    xml: documents.map((contents, i) => ({ fileName: `alert-${i}.xml`, contents })),
    schema: [{ fileName: 'CAP-v1.2.xsd', contents: capXsd() }],
    maxMemoryPages: 4096,
  })
  const perDoc: string[][] = documents.map(() => [])
  for (const error of result.errors) {
    const index = Number(/alert-(\d+)\.xml/.exec(error.loc?.fileName ?? error.rawMessage)?.[1] ?? 0)
    perDoc[index].push(error.rawMessage)
  }
  if (!result.valid && perDoc.every((e) => e.length === 0)) perDoc[0].push(result.rawOutput)
  return perDoc
}
