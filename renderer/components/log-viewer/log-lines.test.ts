// Splitting a growing log: an append splits only the new part and gives the lines a full split gives.
import { describe, expect, it } from 'vitest'
import { splitAppended } from './log-lines'

describe('splitAppended', () => {
  it('extends the previous lines on an append, as a full split would', () => {
    const first = 'line 1\nline 2\npart'
    const lines = splitAppended(null, first)
    const grown = first + 'ial 3\nline 4\n'
    const next = splitAppended({ text: first, lines }, grown)
    expect(next).toEqual(grown.split('\n'))
    expect(next).toEqual(['line 1', 'line 2', 'partial 3', 'line 4', ''])
    expect(lines).toEqual(['line 1', 'line 2', 'part']) // the previous lines are not changed
  })

  it('splits a different log whole', () => {
    const lines = splitAppended(null, 'a\nb')
    expect(splitAppended({ text: 'a\nb', lines }, 'x\ny\nz')).toEqual(['x', 'y', 'z'])
  })
})
