import crypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { openSecret, sealSecret, secretHint } from './seal.ts'

describe('sealed secrets', () => {
  const key = crypto.randomBytes(32)
  it('opens what it sealed, only for the same row and key; the sealed bytes do not contain the secret', () => {
    const sealed = sealSecret(key, 'row-1', { accessToken: 'tok-1234567890' })
    expect(sealed.toString('utf8')).not.toContain('tok-1234567890')
    expect(openSecret(key, 'row-1', sealed)).toEqual({ accessToken: 'tok-1234567890' })
    expect(() => openSecret(key, 'row-2', sealed)).toThrow(/does not open/)
    expect(() => openSecret(crypto.randomBytes(32), 'row-1', sealed)).toThrow(/does not open/)
    const tampered = Buffer.from(sealed)
    tampered[tampered.length - 1] ^= 1
    expect(() => openSecret(key, 'row-1', tampered)).toThrow(/does not open/)
    expect(() => openSecret(key, 'row-1', Buffer.from([9, 9]))).toThrow(/damaged/)
    // a new IV every time
    expect(sealSecret(key, 'row-1', { a: 'b' }).equals(sealSecret(key, 'row-1', { a: 'b' }))).toBe(false)
  })
  it('hints at a credential by its last four characters only', () => {
    expect(secretHint('abcdefghijkl')).toBe('…ijkl')
    expect(secretHint('short')).toBe('…')
  })
})
