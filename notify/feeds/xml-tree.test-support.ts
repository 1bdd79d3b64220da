// Test support: parses XML back (strictly, with saxes) into a small tree to check feeds.
import { SaxesParser, type SaxesTagNS } from 'saxes'

export type XmlElement = { name: string; uri: string; attributes: Record<string, string>; children: XmlElement[]; text: string }

/** Parses a document; throws on anything not well-formed. */
export function parseXmlTree(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true })
  const stack: XmlElement[] = []
  let root: XmlElement | undefined
  parser.on('error', (e) => {
    throw e
  })
  parser.on('opentag', (tag: SaxesTagNS) => {
    const attributes: Record<string, string> = {}
    for (const a of Object.values(tag.attributes)) attributes[a.prefix ? `${a.prefix}:${a.local}` : a.local] = a.value
    const el: XmlElement = { name: tag.local, uri: tag.uri, attributes, children: [], text: '' }
    if (stack.length) stack[stack.length - 1].children.push(el)
    else root = el
    stack.push(el)
  })
  parser.on('closetag', () => void stack.pop())
  parser.on('text', (t) => {
    if (stack.length) stack[stack.length - 1].text += t
  })
  parser.write(xml).close()
  if (!root) throw new Error('no root element')
  return root
}

export const childrenNamed = (el: XmlElement, name: string) => el.children.filter((c) => c.name === name)
export const childText = (el: XmlElement, name: string) => childrenNamed(el, name)[0]?.text
