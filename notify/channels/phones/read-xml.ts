// A small, strict XML reader for what phones answer (and, in the fakes, for what phones are sent):
// saxes checks well-formedness, no DTD is accepted (so no entities, nothing fetched), and depth and
// element count are capped. The result is a plain tree.
import { SaxesParser } from 'saxes'

export type XmlElement = { name: string; attributes: Record<string, string>; children: XmlElement[]; text: string }

/** `breaks: true` adds a line break to the parent's text at each <br/> (XHTML pushed to Poly). */
export function readXml(source: string, limits: { maxDepth?: number; maxElements?: number; breaks?: boolean } = {}): XmlElement {
  if (/<!DOCTYPE|<!ENTITY/i.test(source)) throw new Error('DTD not accepted')
  const maxDepth = limits.maxDepth ?? 8
  const maxElements = limits.maxElements ?? 500
  const parser = new SaxesParser({ xmlns: false })
  const stack: XmlElement[] = []
  let root: XmlElement | undefined
  let count = 0
  let failure: Error | undefined
  parser.on('error', (error) => {
    failure ??= error
  })
  parser.on('opentag', (tag) => {
    count += 1
    if (count > maxElements || stack.length >= maxDepth) {
      failure ??= new Error('XML too large or too deep')
      return
    }
    const attributes: Record<string, string> = {}
    for (const [key, value] of Object.entries(tag.attributes)) attributes[key] = String(value)
    const element: XmlElement = { name: tag.name, attributes, children: [], text: '' }
    if (limits.breaks && tag.name === 'br' && stack.length > 0) stack[stack.length - 1].text += '\n'
    if (stack.length > 0) stack[stack.length - 1].children.push(element)
    else root ??= element
    stack.push(element)
  })
  parser.on('text', (text) => {
    if (stack.length > 0) stack[stack.length - 1].text += text
  })
  parser.on('closetag', () => {
    stack.pop()
  })
  parser.write(source).close()
  if (failure) throw failure
  if (!root) throw new Error('no root element')
  return root
}

/** The first child element with this name. */
export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name)
}
