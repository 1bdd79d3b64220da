// A short code for a territory, used in incident references (JLG-2026-0001): the first letter
// of the slug followed by the next consonants ("jelgava" → "JLG"), filled up with letters if
// the slug has too few consonants. Browser-safe.
export function territoryCode(slug: string, length = 3): string {
  const letters = slug
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toUpperCase()
  if (!letters) return 'INC'
  const picked = [letters[0]]
  const rest = letters.slice(1)
  for (const ch of rest) if (picked.length < length && !'AEIOUY'.includes(ch)) picked.push(ch)
  for (const ch of rest) if (picked.length < length && 'AEIOUY'.includes(ch)) picked.push(ch)
  return picked.join('')
}
