import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkPasswordPolicy, generatePassword, hashPassword, verifyDummyPassword, verifyPassword } from './password.ts'

describe('password hashing', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse battery staple')
    expect(hash.startsWith('$argon2id$')).toBe(true)
    expect(hash).not.toContain('correct horse')
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true)
    expect(await verifyPassword(hash, 'correct horse battery stapl')).toBe(false)
    expect(await verifyPassword(hash, '')).toBe(false)
  })

  it('salts: the same password hashes differently twice', async () => {
    const a = await hashPassword('the same password 1')
    const b = await hashPassword('the same password 1')
    expect(a).not.toBe(b)
    expect(await verifyPassword(b, 'the same password 1')).toBe(true)
  })

  it('treats composed and decomposed Unicode the same (NFC)', async () => {
    const composed = 'Ģirts ēd ābolu šodien'.normalize('NFC')
    const decomposed = composed.normalize('NFD')
    expect(composed).not.toBe(decomposed)
    const hash = await hashPassword(composed)
    expect(await verifyPassword(hash, decomposed)).toBe(true)
  })

  it('never matches a malformed stored hash or an absurdly long input', async () => {
    expect(await verifyPassword('not-a-hash', 'whatever password')).toBe(false)
    const hash = await hashPassword('x'.repeat(20))
    expect(await verifyPassword(hash, 'x'.repeat(100_000))).toBe(false)
  })

  it('the dummy verification answers false', async () => {
    expect(await verifyDummyPassword('anything at all')).toBe(false)
  })
})

describe('password policy', () => {
  it('requires 12 to 128 characters (code points)', () => {
    expect(checkPasswordPolicy('a'.repeat(11))).toBe('auth:password.tooShort')
    expect(checkPasswordPolicy('a'.repeat(12))).toBeNull()
    expect(checkPasswordPolicy('a'.repeat(128))).toBeNull()
    expect(checkPasswordPolicy('a'.repeat(129))).toBe('auth:password.tooLong')
    // 12 emoji are 24 UTF-16 units but 12 characters
    expect(checkPasswordPolicy('🔥'.repeat(11))).toBe('auth:password.tooShort')
    expect(checkPasswordPolicy('🔥'.repeat(12))).toBeNull()
  })

  it('generated passwords pass the policy and use the readable alphabet', () => {
    fc.assert(
      fc.property(fc.integer({ min: 12, max: 64 }), (length) => {
        const password = generatePassword(length)
        expect(password).toHaveLength(length)
        expect(password).toMatch(/^[a-km-zA-HJ-NP-Z2-9]+$/)
        expect(checkPasswordPolicy(password)).toBeNull()
      }),
    )
    expect(generatePassword()).not.toBe(generatePassword())
  })
})
