import { describe, expect, it } from 'vitest'
import { describeEachBackend, useTestDatabase } from '#tests/db.ts'
import { consumeTotpCode, generateTotpCode, generateTotpSecret, matchTotpStep, totpUri, TOTP_PERIOD } from './totp.ts'
import { makeUser } from './test-helpers.ts'

describeEachBackend('totp', (backend) => {
  const db = useTestDatabase(backend)

  const T0 = new Date('2026-03-01T10:00:00.000Z') // a step boundary (divisible by 30 s)
  const at = (steps: number, extraMs = 0) => new Date(T0.getTime() + steps * TOTP_PERIOD * 1000 + extraMs)

  describe('TOTP codes', () => {
    it('accepts the current, previous and next step and nothing further', () => {
      const secret = generateTotpSecret()
      const code = generateTotpCode(secret, T0)
      const step = BigInt(T0.getTime() / 1000 / TOTP_PERIOD)
      expect(matchTotpStep(secret, code, T0)).toBe(step)
      expect(matchTotpStep(secret, code, at(1))).toBe(step)
      expect(matchTotpStep(secret, code, at(-1))).toBe(step)
      expect(matchTotpStep(secret, code, at(2))).toBeNull()
      expect(matchTotpStep(secret, code, at(-2))).toBeNull()
    })

    it('refuses malformed codes and accepts spaces', () => {
      const secret = generateTotpSecret()
      const code = generateTotpCode(secret, T0)
      expect(matchTotpStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`, T0)).not.toBeNull()
      expect(matchTotpStep(secret, '12345', T0)).toBeNull()
      expect(matchTotpStep(secret, 'abcdef', T0)).toBeNull()
      expect(matchTotpStep(secret, '', T0)).toBeNull()
    })

    it('builds an otpauth URI with issuer and account', () => {
      const secret = generateTotpSecret()
      const uri = totpUri(secret, 'ops@jelgava.lv')
      expect(uri).toMatch(/^otpauth:\/\/totp\/Sargs:ops%40jelgava\.lv\?/)
      expect(uri).toContain(`secret=${secret}`)
      expect(uri).toContain('issuer=Sargs')
      expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    })
  })

  describe('consumeTotpCode (single use)', () => {
    it('accepts a code once; the same code again is refused; the next step works', async () => {
      const user = await makeUser(db().prisma)
      const secret = user.totpSecret!
      const code = generateTotpCode(secret, T0)
      expect(await consumeTotpCode(db().prisma, { userId: user.id, secret, code, now: T0 })).toBe(true)
      expect(await consumeTotpCode(db().prisma, { userId: user.id, secret, code, now: T0 })).toBe(false)
      // still inside the ±1 window 30 s later: refused all the same
      expect(await consumeTotpCode(db().prisma, { userId: user.id, secret, code, now: at(1) })).toBe(false)
      const next = generateTotpCode(secret, at(1))
      expect(await consumeTotpCode(db().prisma, { userId: user.id, secret, code: next, now: at(1) })).toBe(true)
      const stored = await db().prisma.user.findUniqueOrThrow({ where: { id: user.id } })
      expect(stored.totpLastStep).toBe(BigInt(at(1).getTime() / 1000 / TOTP_PERIOD))
    })

    it('refuses a code older than the last accepted one', async () => {
      const user = await makeUser(db().prisma)
      const secret = user.totpSecret!
      const older = generateTotpCode(secret, at(-1))
      const current = generateTotpCode(secret, T0)
      expect(await consumeTotpCode(db().prisma, { userId: user.id, secret, code: current, now: T0 })).toBe(true)
      expect(await consumeTotpCode(db().prisma, { userId: user.id, secret, code: older, now: T0 })).toBe(false)
    })

    it('two simultaneous uses of one code: exactly one wins', async () => {
      const user = await makeUser(db().prisma)
      const secret = user.totpSecret!
      const code = generateTotpCode(secret, T0)
      const results = await Promise.all(
        Array.from({ length: 5 }, () => consumeTotpCode(db().prisma, { userId: user.id, secret, code, now: T0 })),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
    })

    it('refuses a wrong code and a code for another secret', async () => {
      const user = await makeUser(db().prisma)
      const other = generateTotpSecret()
      expect(await consumeTotpCode(db().prisma, { userId: user.id, secret: user.totpSecret!, code: generateTotpCode(other, T0), now: T0 })).toBe(false)
      // secret given does not match the stored one (e.g. reset meanwhile): refused
      expect(await consumeTotpCode(db().prisma, { userId: user.id, secret: other, code: generateTotpCode(other, T0), now: T0 })).toBe(false)
    })
  })
})
