// The typed confirmation before issuing: the operator types the area's name. Compared without
// regard to case, surrounding or repeated spaces and Unicode composition (a typed "ā" matches).
export function normaliseAreaName(text: string): string {
  return text.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('lv')
}

export function areaNameMatches(typed: unknown, areaName: string): boolean {
  return typeof typed === 'string' && normaliseAreaName(areaName) !== '' && normaliseAreaName(typed) === normaliseAreaName(areaName)
}
