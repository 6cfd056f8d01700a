// The times kept beside a log: records written and read back (incrementally, rewritten from the
// start), and the pod log's `timestamps=true` prefixes cut from the text with their times kept,
// however the stream is chunked.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  LogTimesReader,
  LogTimesRecorder,
  TimestampStripper,
  logTimesPath,
  parseRfc3339Ms,
} from './log-times'

const logIn = () => join(mkdtempSync(join(tmpdir(), 'c2d-log-times-')), 'algorithm.log')

describe('LogTimesRecorder and LogTimesReader', () => {
  it('keeps a record per arrival beside the log (not in it) and finds the time of any byte', async () => {
    const log = logIn()
    writeFileSync(log, 'one\ntwo\n')
    const recorder = new LogTimesRecorder(log)
    recorder.record(0, 1000)
    recorder.record(4, 1000) // same time: no new record
    recorder.record(8, 2500)
    const reader = new LogTimesReader(log)
    await reader.refresh()
    expect(reader.exists).toBe(true)
    expect(reader.count).toBe(2)
    expect([reader.timeAt(0), reader.timeAt(5), reader.timeAt(8), reader.timeAt(99)]).toEqual([
      1000, 1000, 2500, 2500,
    ])
    recorder.record(20, 4000)
    recorder.close()
    await reader.refresh()
    expect(reader.timeAt(20)).toBe(4000)
    expect(readFileSync(log, 'utf8')).toBe('one\ntwo\n')
  })

  it('says a log without a sidecar has no times, and re-reads a sidecar rewritten from the start', async () => {
    const log = logIn()
    const reader = new LogTimesReader(log)
    await reader.refresh()
    expect(reader.exists).toBe(false)
    expect(reader.timeAt(0)).toBeNull()
    writeFileSync(logTimesPath(log), '0 100\n10 200\n')
    await reader.refresh()
    expect(reader.timeAt(12)).toBe(200)
    writeFileSync(logTimesPath(log), '0 900\n')
    await reader.refresh()
    expect(reader.timeAt(12)).toBe(900)
    appendFileSync(logTimesPath(log), '5 9') // a record still being written is not read
    await reader.refresh()
    expect(reader.timeAt(12)).toBe(900)
  })
})

describe('parseRfc3339Ms', () => {
  it('reads the kubelet’s nanosecond times, shorter fractions and offsets', () => {
    expect(parseRfc3339Ms('2026-12-02T20:34:07.123456789Z')).toBeCloseTo(
      Date.UTC(2026, 11, 2, 20, 34, 7, 123) + 0.456789,
      3,
    )
    expect(parseRfc3339Ms('2026-12-02T20:34:07Z')).toBe(Date.UTC(2026, 11, 2, 20, 34, 7))
    expect(parseRfc3339Ms('2026-12-02T21:34:07.5+01:00')).toBe(Date.UTC(2026, 11, 2, 20, 34, 7, 500))
    expect(parseRfc3339Ms('hello')).toBeNaN()
  })
})

describe('TimestampStripper', () => {
  const T1 = '2026-12-02T20:34:07.000000001Z'
  const T2 = '2026-12-02T20:34:08.250000000Z'
  const stamped = `${T1} first line\n${T2} second: has a space\n${T2} \n${T1} unfinished`

  function strip(chunks: Buffer[]) {
    const times: Array<[number, number]> = []
    const stripper = new TimestampStripper((offset, atMs) => times.push([offset, atMs]))
    const out = Buffer.concat([...chunks.map((c) => stripper.push(c)), stripper.end()])
    return { text: out.toString('utf8'), times }
  }

  it('cuts each line’s prefix and records its time at the line’s offset in the stripped text', () => {
    const { text, times } = strip([Buffer.from(stamped)])
    expect(text).toBe('first line\nsecond: has a space\n\nunfinished')
    expect(times).toEqual([
      [0, parseRfc3339Ms(T1)],
      [11, parseRfc3339Ms(T2)],
      [31, parseRfc3339Ms(T2)],
      [32, parseRfc3339Ms(T1)],
    ])
  })

  it('gives the same text and times however the stream is cut (inside a prefix, a line, a character)', () => {
    const bytes = Buffer.from(`${T1} wärme €5\n${stamped}`)
    const whole = strip([bytes])
    for (const size of [1, 2, 3, 7, 31]) {
      const chunks: Buffer[] = []
      for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size))
      expect(strip(chunks)).toEqual(whole)
    }
  })

  it('keeps a line without a time prefix as it is', () => {
    const { text, times } = strip([Buffer.from(`no prefix here\n${T1} ok\nnospace\n`)])
    expect(text).toBe('no prefix here\nok\nnospace\n')
    expect(times).toEqual([[15, parseRfc3339Ms(T1)]])
  })
})
