// Reading CAP 1.2 XML from outside (POST /api/cap) safely. Before any parsing: the size is capped
// and any DOCTYPE or ENTITY declaration is refused outright — no DTD, so no entity expansion and no
// external entity, nothing is ever fetched. Then a strict, non-validating SAX parser (saxes: XML 1.0
// well-formedness and namespaces, no DTD processing) builds a small tree with capped depth and
// element count, which is mapped to the input shape `validateAlert` takes.
import { SaxesParser, type SaxesTagNS } from 'saxes'
import { AppError } from '#domain/errors.ts'
import type { PolygonalGeometry } from '#domain/geo/types.ts'
import { capErrors, capLimits, capNamespace, type CapAlert, type CapErrorKey } from './types.ts'
import { validateAlert } from './validate-alert.ts'

const xmldsigNamespace = 'http://www.w3.org/2000/09/xmldsig#'

export const capXmlLimits = {
  /** largest body we read, bytes */
  maxBytes: capLimits.totalBytesMax,
  /** deepest nesting (CAP itself needs 5; an XML signature a few more) */
  maxDepth: 16,
  maxElements: 50_000,
} as const

export type ParseCapXmlOptions = {
  /** the request body: text or bytes (UTF-8) */
  body: string | Uint8Array
  maxBytes?: number
}

type XmlNode = { uri: string; local: string; children: XmlNode[]; text: string }

function refuse(field: string, key: CapErrorKey, message = `Refused CAP XML: ${key}`): never {
  throw new AppError('INVALID_INPUT', message, { fields: { [field]: key } })
}

/** Bytes → text, refusing anything that is not UTF-8 (CAP documents are UTF-8). */
function decode(body: string | Uint8Array, maxBytes: number): string {
  if (typeof body === 'string') {
    // length counts UTF-16 units, never more than the UTF-8 bytes: cheap first check
    if (body.length > maxBytes || Buffer.byteLength(body, 'utf8') > maxBytes) refuse('xml', capErrors.xmlTooLarge)
    return body.replace(/^\uFEFF/, '')
  }
  if (body.byteLength > maxBytes) refuse('xml', capErrors.xmlTooLarge)
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body)
  } catch {
    return refuse('xml', capErrors.xmlMalformed)
  }
}

/** Parses the document into a tree. Throws AppError INVALID_INPUT (field `xml`) when hostile or malformed. */
function parseTree(text: string): XmlNode {
  // Refused before the parser sees anything: a DTD is where entity bombs and external entities live.
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) refuse('xml', capErrors.xmlDoctype)

  const parser = new SaxesParser({ xmlns: true, position: false })
  const stack: XmlNode[] = []
  let root: XmlNode | undefined
  let elements = 0
  let failure: { key: CapErrorKey; message: string } | undefined
  const stop = (key: CapErrorKey, message: string) => {
    failure ??= { key, message }
    throw new StopParsing()
  }

  parser.on('doctype', () => stop(capErrors.xmlDoctype, 'DOCTYPE refused'))
  parser.on('xmldecl', (decl) => {
    if (decl.encoding && !/^utf-?8$/i.test(decl.encoding)) stop(capErrors.xmlMalformed, `encoding ${decl.encoding} refused`)
  })
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (++elements > capXmlLimits.maxElements) stop(capErrors.xmlTooLarge, 'too many elements')
    if (stack.length >= capXmlLimits.maxDepth) stop(capErrors.xmlTooDeep, 'nested too deep')
    const node: XmlNode = { uri: tag.uri, local: tag.local, children: [], text: '' }
    if (stack.length) stack[stack.length - 1].children.push(node)
    else root = node
    stack.push(node)
  })
  parser.on('closetag', () => {
    stack.pop()
  })
  const onText = (t: string) => {
    if (stack.length) stack[stack.length - 1].text += t
  }
  parser.on('text', onText)
  parser.on('cdata', onText)
  parser.on('error', (error) => stop(capErrors.xmlMalformed, error.message))

  try {
    parser.write(text).close()
  } catch (error) {
    if (!(error instanceof StopParsing)) throw error
  }
  if (failure) refuse('xml', failure.key, `Refused CAP XML: ${failure.message}`)
  if (!root) return refuse('xml', capErrors.xmlMalformed)
  return root
}

class StopParsing extends Error {}

// What each CAP element holds: text (once), text (repeated), or a structure (once or repeated).
type Shape = { single: string[]; many: string[]; nested: Record<string, { shape: Shape; many: boolean }> }
const pair: Shape = { single: ['valueName', 'value'], many: [], nested: {} }
const resource: Shape = { single: ['resourceDesc', 'mimeType', 'size', 'uri', 'derefUri', 'digest'], many: [], nested: {} }
const area: Shape = {
  single: ['areaDesc', 'altitude', 'ceiling'],
  many: ['polygon', 'circle'],
  nested: { geocode: { shape: pair, many: true } },
}
const info: Shape = {
  single: [
    'language', 'event', 'urgency', 'severity', 'certainty', 'audience', 'effective', 'onset', 'expires',
    'senderName', 'headline', 'description', 'instruction', 'web', 'contact',
  ],
  many: ['category', 'responseType'],
  nested: {
    eventCode: { shape: pair, many: true },
    parameter: { shape: pair, many: true },
    resource: { shape: resource, many: true },
    area: { shape: area, many: true },
  },
}
const alert: Shape = {
  single: ['identifier', 'sender', 'sent', 'status', 'msgType', 'source', 'scope', 'restriction', 'addresses', 'note', 'references', 'incidents'],
  many: ['code'],
  nested: { info: { shape: info, many: true } },
}

function leafText(node: XmlNode, path: string): string {
  if (node.children.length) refuse(`${path}.${node.children[0].local}`, capErrors.xmlUnexpectedElement)
  // surrounding whitespace carries nothing in CAP (validateAlert trims free text anyway)
  return node.text.trim()
}

function mapNode(node: XmlNode, shape: Shape, path: string): Record<string, unknown> {
  if (node.text.trim() !== '') refuse(path || 'alert', capErrors.xmlUnexpectedElement)
  const out: Record<string, unknown> = {}
  const counts: Record<string, number> = {}
  for (const child of node.children) {
    if (child.uri === xmldsigNamespace && path === '') continue // an enveloped XML signature
    const name = child.local
    const at = path ? `${path}.${name}` : name
    if (child.uri !== capNamespace) refuse(at, capErrors.xmlUnexpectedElement)
    const index = counts[name] ?? 0
    counts[name] = index + 1
    if (shape.single.includes(name)) {
      if (index > 0) refuse(at, capErrors.xmlRepeatedElement)
      out[name] = leafText(child, at)
    } else if (shape.many.includes(name)) {
      ;((out[name] ??= []) as string[]).push(leafText(child, `${at}.${index}`))
    } else if (name in shape.nested) {
      const nested = shape.nested[name]
      if (!nested.many && index > 0) refuse(at, capErrors.xmlRepeatedElement)
      ;((out[name] ??= []) as unknown[]).push(mapNode(child, nested.shape, `${at}.${index}`))
    } else {
      refuse(at, capErrors.xmlUnexpectedElement)
    }
  }
  return out
}

/**
 * Reads CAP 1.2 XML into the input shape `validateAlert` takes (no rule checked yet beyond the
 * XML structure). Throws AppError INVALID_INPUT: `fields.xml` for hostile, oversized or malformed
 * documents, or the path of an unexpected or repeated element.
 */
export function parseCapXml(options: ParseCapXmlOptions): Record<string, unknown> {
  const text = decode(options.body, options.maxBytes ?? capXmlLimits.maxBytes)
  const root = parseTree(text)
  if (root.uri !== capNamespace || root.local !== 'alert') refuse('xml', capErrors.xmlNotCap)
  return mapNode(root, alert, '')
}

/** Parses and validates CAP XML: what `POST /api/cap` needs. */
export function readCapXml(options: ParseCapXmlOptions & { boundary: PolygonalGeometry; toleranceM?: number }): CapAlert {
  return validateAlert({ input: parseCapXml(options), boundary: options.boundary, toleranceM: options.toleranceM })
}

/**
 * Reads a request body up to `maxBytes`, refusing a larger one as soon as it is known to be larger
 * (Content-Length, or the first chunk past the limit), so a 50 MB upload is never buffered.
 */
export async function readLimitedBody(request: Request, maxBytes: number = capXmlLimits.maxBytes): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > maxBytes) refuse('xml', capErrors.xmlTooLarge)
  if (!request.body) return new Uint8Array()
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined)
      refuse('xml', capErrors.xmlTooLarge)
    }
    chunks.push(value)
  }
  const out = new Uint8Array(total)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.byteLength
  }
  return out
}
