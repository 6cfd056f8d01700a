// Splitting a growing log: appended parts split only themselves and give the lines a full split gives.
import { describe, expect, it } from 'vitest'
import { splitAppended } from './log-lines'

describe('splitAppended', () => {
  it('extends the previous lines when parts are appended, as a full split would', () => {
    const first = ['line 1\nline 2\npart']
    const lines = splitAppended(null, first)
    const grown = [...first, 'ial 3\nline ', '4\n']
    const next = splitAppended({ chunks: first, lines }, grown)
    expect(next).toEqual(grown.join('').split('\n'))
    expect(next).toEqual(['line 1', 'line 2', 'partial 3', 'line 4', ''])
    expect(lines).toEqual(['line 1', 'line 2', 'part']) // the previous lines are not changed
  })

  it('splits a different log whole', () => {
    const lines = splitAppended(null, ['a\nb'])
    expect(splitAppended({ chunks: ['a\nb'], lines }, ['x\ny', '\nz'])).toEqual(['x', 'y', 'z'])
  })

  it('answers the same lines when nothing was appended', () => {
    const chunks = ['a\nb\n']
    const lines = splitAppended(null, chunks)
    expect(splitAppended({ chunks, lines }, [...chunks])).toBe(lines)
  })
})
