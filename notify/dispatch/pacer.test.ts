import { describe, expect, it } from 'vitest'
import { Pacer } from './pacer.ts'

describe('Pacer', () => {
  it('spaces sends evenly at the rate, also when many ask at once', () => {
    let clock = 1000
    const pacer = new Pacer(20, () => clock)
    // ten parallel sends asking at the same instant: 0, 50, 100, … ms
    expect(Array.from({ length: 10 }, () => pacer.reserve())).toEqual([0, 50, 100, 150, 200, 250, 300, 350, 400, 450])
    // time passes beyond the reserved slots: the next send goes at once, then spaced again
    clock += 2000
    expect([pacer.reserve(), pacer.reserve()]).toEqual([0, 50])
  })

  it('N sends take (N-1) intervals: the rate is held exactly over any run', () => {
    let clock = 0
    const pacer = new Pacer(7, () => clock)
    const starts: number[] = []
    for (let i = 0; i < 100; i += 1) {
      clock += pacer.reserve()
      starts.push(clock)
      clock += 3 // the send itself
    }
    const rate = (starts.length - 1) / ((starts.at(-1)! - starts[0]) / 1000)
    expect(rate).toBeCloseTo(7, 6)
  })

  it('refuses a rate that is not positive', () => {
    expect(() => new Pacer(0)).toThrow(/positive/)
  })
})
