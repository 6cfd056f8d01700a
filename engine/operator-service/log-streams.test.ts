import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FakeClock } from '../clock'
import { tailFile, utf8CompleteLength } from './log-streams'

/** Waits (by I/O turns, not by time) until the tail is parked on the clock. */
async function untilSleeping(clock: FakeClock): Promise<void> {
  for (let i = 0; i < 10_000 && clock.pendingTimers() === 0; i++)
    await new Promise((resolve) => setImmediate(resolve))
  if (clock.pendingTimers() === 0) throw new Error('tail never waited on the clock')
}

describe('tailFile', () => {
  it('yields what is written while running and ends after the rest once the algorithm ends', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tail-')), 'algorithm.log')
    const clock = new FakeClock()
    let running = true
    writeFileSync(path, 'one\n')
    const chunks: string[] = []
    const iterator = tailFile(path, () => running, new AbortController().signal, clock, 100)
    const done = (async () => {
      for await (const chunk of iterator) chunks.push(chunk.toString())
    })()
    await untilSleeping(clock)
    expect(chunks).toEqual(['one\n'])
    appendFileSync(path, 'two\n')
    clock.advance(100)
    await untilSleeping(clock)
    expect(chunks).toEqual(['one\n', 'two\n'])
    appendFileSync(path, 'three\n')
    running = false
    clock.advance(100)
    await done
    expect(chunks.join('')).toBe('one\ntwo\nthree\n')
  })

  it('ends at once when aborted, and waits for a log that does not exist yet', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tail-')), 'algorithm.log')
    const clock = new FakeClock()
    const controller = new AbortController()
    const chunks: string[] = []
    const done = (async () => {
      for await (const chunk of tailFile(path, () => true, controller.signal, clock, 100))
        chunks.push(chunk.toString())
    })()
    await untilSleeping(clock)
    writeFileSync(path, 'late\n')
    clock.advance(100)
    await untilSleeping(clock)
    expect(chunks).toEqual(['late\n'])
    controller.abort()
    clock.advance(100)
    await done
    expect(chunks).toEqual(['late\n'])
  })
})

describe('utf8CompleteLength', () => {
  it('keeps a character split across reads for the next one', () => {
    const bytes = Buffer.from('aé€😀', 'utf8') // 1 + 2 + 3 + 4 bytes
    expect(utf8CompleteLength(bytes)).toBe(10)
    for (const [cut, whole] of [
      [2, 1],
      [4, 3],
      [5, 3],
      [7, 6],
      [8, 6],
      [9, 6],
    ] as const)
      expect(utf8CompleteLength(bytes.subarray(0, cut)), `cut at ${cut}`).toBe(whole)
  })
})
