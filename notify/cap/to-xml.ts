// A validated alert as CAP 1.2 XML: elements in the order the OASIS schema's sequences demand,
// optional elements left out when absent, text escaped, dates as validateAlert normalised them.
import { formatCapNumber } from './cap-geometry.ts'
import { capNamespace, type CapAlert, type CapArea, type CapInfo, type CapResource, type CapValuePair } from './types.ts'

/** Escapes text for element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"'\r]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' })[c]!,
  )
}

type Line = [tag: string, value: string | number | undefined]

function elements(indent: string, lines: Line[]): string {
  let out = ''
  for (const [tag, value] of lines) {
    if (value === undefined) continue
    out += `${indent}<${tag}>${escapeXml(String(value))}</${tag}>\n`
  }
  return out
}

const pairs = (indent: string, tag: string, list: CapValuePair[]) =>
  list
    .map(
      (p) =>
        `${indent}<${tag}>\n${elements(`${indent}  `, [
          ['valueName', p.valueName],
          ['value', p.value],
        ])}${indent}</${tag}>\n`,
    )
    .join('')

function resourceXml(r: CapResource, indent: string): string {
  return `${indent}<resource>\n${elements(`${indent}  `, [
    ['resourceDesc', r.resourceDesc],
    ['mimeType', r.mimeType],
    ['size', r.size],
    ['uri', r.uri],
    ['derefUri', r.derefUri],
    ['digest', r.digest],
  ])}${indent}</resource>\n`
}

function areaXml(a: CapArea, indent: string): string {
  const inner = `${indent}  `
  return (
    `${indent}<area>\n` +
    elements(inner, [['areaDesc', a.areaDesc]]) +
    elements(inner, a.polygon.map((p): Line => ['polygon', p])) +
    elements(inner, a.circle.map((c): Line => ['circle', c])) +
    pairs(inner, 'geocode', a.geocode) +
    elements(inner, [
      ['altitude', a.altitude === undefined ? undefined : formatCapNumber(a.altitude)],
      ['ceiling', a.ceiling === undefined ? undefined : formatCapNumber(a.ceiling)],
    ]) +
    `${indent}</area>\n`
  )
}

function infoXml(info: CapInfo, indent: string): string {
  const inner = `${indent}  `
  return (
    `${indent}<info>\n` +
    elements(inner, [['language', info.language]]) +
    elements(inner, info.category.map((c): Line => ['category', c])) +
    elements(inner, [['event', info.event]]) +
    elements(inner, info.responseType.map((r): Line => ['responseType', r])) +
    elements(inner, [
      ['urgency', info.urgency],
      ['severity', info.severity],
      ['certainty', info.certainty],
      ['audience', info.audience],
    ]) +
    pairs(inner, 'eventCode', info.eventCode) +
    elements(inner, [
      ['effective', info.effective],
      ['onset', info.onset],
      ['expires', info.expires],
      ['senderName', info.senderName],
      ['headline', info.headline],
      ['description', info.description],
      ['instruction', info.instruction],
      ['web', info.web],
      ['contact', info.contact],
    ]) +
    pairs(inner, 'parameter', info.parameter) +
    info.resource.map((r) => resourceXml(r, inner)).join('') +
    info.area.map((a) => areaXml(a, inner)).join('') +
    `${indent}</info>\n`
  )
}

/** The alert as a CAP 1.2 XML document (UTF-8). */
export function toXml(alert: CapAlert): string {
  const inner = '  '
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<alert xmlns="${capNamespace}">\n` +
    elements(inner, [
      ['identifier', alert.identifier],
      ['sender', alert.sender],
      ['sent', alert.sent],
      ['status', alert.status],
      ['msgType', alert.msgType],
      ['source', alert.source],
      ['scope', alert.scope],
      ['restriction', alert.restriction],
      ['addresses', alert.addresses],
    ]) +
    elements(inner, alert.code.map((c): Line => ['code', c])) +
    elements(inner, [
      ['note', alert.note],
      [
        'references',
        alert.references.length
          ? alert.references.map((r) => `${r.sender},${r.identifier},${r.sent}`).join(' ')
          : undefined,
      ],
      ['incidents', alert.incidents],
    ]) +
    alert.info.map((info) => infoXml(info, inner)).join('') +
    '</alert>\n'
  )
}
