// The line index over a growing log: appended bytes are scanned once, windows of lines come back
// whole (CRLF dropped, an unfinished line never cut inside a character), and search streams the
// file forward and backward with a limit and a cursor.
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LogTimesRecorder } from '../operator-engine/log-times'
import { LogLineIndex, createLogLineCache } from './log-line-index'

function tempLog(text: string | Buffer = ''): string {
  const path = join(mkdtempSync(join(tmpdir(), 'c2d-log-index-')), 'algorithm.log')
  writeFileSync(path, text)
  return path
}

describe('LogLineIndex', () => {
  it('indexes a growing file incrementally, the unfinished last line included', async () => {
    const path = tempLog('one\ntwo\nthr')
    const index = new LogLineIndex(path)
    await index.refresh()
    expect(index.lineCount).toBe(3)
    expect((await index.readLines(0, 10)).lines).toEqual(['one', 'two', 'thr'])
    appendFileSync(path, 'ee\nfour\n')
    await index.refresh()
    expect(index.lineCount).toBe(4)
    const window = await index.readLines(2, 10)
    expect(window).toMatchObject({ lines: ['three', 'four'], fromLine: 2, lineCount: 4, sizeBytes: 19 })
  })

  it('drops the \\r of CRLF lines and keeps multi-byte characters whole across scan steps', async () => {
    const path = tempLog('wärme 1\r\nüber\r\n')
    const index = new LogLineIndex(path)
    await index.refresh()
    expect((await index.readLines(0, 5)).lines).toEqual(['wärme 1', 'über'])
    // A running log whose last line ends inside "€" (3 bytes): the partial character waits.
    const euro = Buffer.from('€')
    appendFileSync(path, Buffer.concat([Buffer.from('cost 5'), euro.subarray(0, 2)]))
    await index.refresh()
    expect((await index.readLines(2, 1)).lines).toEqual(['cost 5'])
    appendFileSync(path, Buffer.concat([euro.subarray(2), Buffer.from('\n')]))
    await index.refresh()
    expect((await index.readLines(2, 1)).lines).toEqual(['cost 5€'])
  })

  it('re-indexes a file that shrank (rewritten) instead of answering stale offsets', async () => {
    const path = tempLog('a\nb\nc\n')
    const index = new LogLineIndex(path)
    await index.refresh()
    writeFileSync(path, 'x\n')
    await index.refresh()
    expect(index.lineCount).toBe(1)
    expect((await index.readLines(0, 5)).lines).toEqual(['x'])
  })

  it('answers a missing file as empty', async () => {
    const index = new LogLineIndex(join(tmpdir(), 'c2d-no-such-dir', 'algorithm.log'))
    await index.refresh()
    expect(index.lineCount).toBe(0)
    expect((await index.readLines(0, 5)).lines).toEqual([])
  })

  it('searches forward and backward with a limit and a cursor, case-insensitive by default', async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => (i % 1000 === 7 ? `Needle ${i}` : `line ${i}`))
    const path = tempLog(lines.join('\r\n') + '\r\n')
    const index = new LogLineIndex(path)
    await index.refresh()
    const first = await index.search({
      query: 'needle',
      isCaseSensitive: false,
      fromLine: 0,
      direction: 'forward',
      limit: 3,
    })
    expect(first.matches).toEqual([
      { line: 7, column: 0 },
      { line: 1007, column: 0 },
      { line: 2007, column: 0 },
    ])
    expect(first.nextCursor).toBe(2008)
    const rest = await index.search({
      query: 'needle',
      isCaseSensitive: false,
      fromLine: 2008,
      direction: 'forward',
      limit: 100,
    })
    expect(rest.matches.map((m) => m.line)).toEqual([3007, 4007, 5007, 6007, 7007, 8007, 9007])
    expect(rest.nextCursor).toBeNull()
    const back = await index.search({
      query: 'needle',
      isCaseSensitive: false,
      fromLine: 5007,
      direction: 'backward',
      limit: 2,
    })
    expect(back.matches.map((m) => m.line)).toEqual([4007, 3007])
    expect(back.nextCursor).toBe(3007)
    const exact = await index.search({
      query: 'needle',
      isCaseSensitive: true,
      fromLine: 0,
      direction: 'forward',
      limit: 10,
    })
    expect(exact.matches).toEqual([])
  })

  it('finds every match across search windows (a log over 1 MiB), one per line, both ways', async () => {
    const lines = Array.from({ length: 40_000 }, (_, i) =>
      i % 1000 === 999 ? `x ${i} NEEDLE and needle again` : `padding line ${i} ${'.'.repeat(20)}`,
    )
    const path = tempLog(lines.join('\n') + '\n')
    const index = new LogLineIndex(path)
    await index.refresh()
    const want = Array.from({ length: 40 }, (_, k) => k * 1000 + 999)
    const base = { query: 'needle', isCaseSensitive: false, limit: 1000 } as const
    const forward = await index.search({ ...base, fromLine: 0, direction: 'forward' })
    expect(forward.matches.map((m) => m.line)).toEqual(want)
    expect(forward.matches[0]!.column).toBe(6)
    const backward = await index.search({ ...base, fromLine: 40_000, direction: 'backward' })
    expect(backward.matches.map((m) => m.line)).toEqual([...want].reverse())
  })

  it('searches bytes: columns in UTF-16 units after multi-byte text, ASCII folded, a non-ASCII needle folded too', async () => {
    const path = tempLog('ça va NEEDLE\nnothing here\nÉté needle été\n')
    const index = new LogLineIndex(path)
    await index.refresh()
    const base = { fromLine: 0, direction: 'forward' as const, limit: 10 }
    const folded = await index.search({ ...base, query: 'Needle', isCaseSensitive: false })
    expect(folded.matches).toEqual([
      { line: 0, column: 6 },
      { line: 2, column: 4 },
    ])
    const exact = await index.search({ ...base, query: 'needle', isCaseSensitive: true })
    expect(exact.matches).toEqual([{ line: 2, column: 4 }])
    const accented = await index.search({ ...base, query: 'ÉTÉ', isCaseSensitive: false })
    expect(accented.matches).toEqual([{ line: 2, column: 0 }])
    const exactAccent = await index.search({ ...base, query: 'été', isCaseSensitive: true })
    expect(exactAccent.matches).toEqual([{ line: 2, column: 11 }])
  })

  it('folds ASCII case both ways, takes the query literally, and never folds a non-ASCII byte onto a letter', async () => {
    const path = tempLog(
      ['nEeDlE one', 'À á ä ª Ä', 'x NEEDLE', 'abc', 'a.c and A(1)', 'needle', 'wörter NeEdLe'].join('\n') +
        '\n',
    )
    const index = new LogLineIndex(path)
    await index.refresh()
    const find = async (query: string, isCaseSensitive = false) =>
      (await index.search({ query, isCaseSensitive, fromLine: 0, direction: 'forward', limit: 10 })).matches
    expect(await find('NeedLE')).toEqual([
      { line: 0, column: 0 },
      { line: 2, column: 2 },
      { line: 5, column: 0 },
      { line: 6, column: 7 },
    ])
    expect(await find('NEEDLE', true)).toEqual([{ line: 2, column: 2 }])
    // Pattern characters are text: "a.c" is not "abc", "a(1)" finds "A(1)".
    expect(await find('A.C')).toEqual([{ line: 4, column: 0 }])
    expect(await find('a(1)')).toEqual([{ line: 4, column: 8 }])
    // No letter in the query: found as bytes, any case setting.
    expect(await find('(1)')).toEqual([{ line: 4, column: 9 }])
    // An ASCII letter matches only ASCII letters, never À, á, ä, ª (their UTF-8 bytes are ≥ 0x80).
    expect((await find('a')).map((m) => m.line)).toEqual([3, 4])
    // A non-ASCII needle, folded as text.
    expect(await find('WÖRTER')).toEqual([{ line: 6, column: 0 }])
    expect(await find('ä ª ä')).toEqual([{ line: 1, column: 4 }])
    expect(await find('ä ª ä', true)).toEqual([])
  })

  it("folds a non-ASCII needle by its letters' cased variants: Greek, astral, the Kelvin sign, pattern characters as text", async () => {
    const path = tempLog(
      [
        'ΣΟΦΊΑ and σοφία',
        'the Deseret 𐐀𐐁 pair',
        '20 \u212A cold',
        'prix é(1) and É(1)',
        'İSTANBUL',
        'éx',
      ].join('\n') + '\n',
    )
    const index = new LogLineIndex(path)
    await index.refresh()
    const find = async (query: string) =>
      (await index.search({ query, isCaseSensitive: false, fromLine: 0, direction: 'forward', limit: 10 }))
        .matches
    expect(await find('σοφία')).toEqual([{ line: 0, column: 0 }])
    expect(await find('ΟΦΊ')).toEqual([{ line: 0, column: 1 }])
    expect(await find('𐐩')).toEqual([{ line: 1, column: 14 }]) // 𐐁 lowercases to 𐐩; columns in UTF-16 units
    expect(await find('k cold')).toEqual([]) // an ASCII needle: ASCII folding only
    expect(await find('\u212A cold')).toEqual([{ line: 2, column: 3 }])
    expect(await find('ké')).toEqual([])
    expect(await find('É(1)')).toEqual([{ line: 3, column: 5 }])
    expect(await find('é.')).toEqual([]) // "." is a dot, not any character ("éx")
    // İ lowercases to two characters: the decoded-text path answers.
    expect(await find('İstanbul')).toEqual([{ line: 4, column: 0 }])
  })

  it('finds a match that spans a 1 MiB search step, and one at the end of a line longer than a step', async () => {
    // Line 1 starts 10 bytes before the 1 MiB mark; its "Needle" covers the mark.
    const first = 'a'.repeat(1_048_576 - 10 - 1)
    const long = 'b'.repeat(3 * 1_048_576) + ' neeDLE at the end'
    const lines = [first, 'xx ' + 'Needle' + ' after the mark', 'plain', long, 'Ünïcode needle ÜBER']
    const path = tempLog(lines.join('\n') + '\n')
    const index = new LogLineIndex(path)
    await index.refresh()
    const base = { fromLine: 0, direction: 'forward', limit: 10 } as const
    const want = [
      { line: 1, column: 3 },
      { line: 3, column: 3 * 1_048_576 + 1 },
      { line: 4, column: 8 },
    ]
    expect((await index.search({ ...base, query: 'needle', isCaseSensitive: false })).matches).toEqual(want)
    expect((await index.search({ ...base, query: 'Needle', isCaseSensitive: true })).matches).toEqual([
      want[0],
    ])
    const back = await index.search({
      query: 'NEEDLE',
      isCaseSensitive: false,
      fromLine: 5,
      direction: 'backward',
      limit: 10,
    })
    expect(back.matches).toEqual([...want].reverse())
    // The text path (a non-ASCII needle) over the same windows.
    const umlaut = await index.search({ ...base, query: 'über', isCaseSensitive: false })
    expect(umlaut.matches).toEqual([{ line: 4, column: 15 }])
  })

  it('finds lines appended after the first search (a live log)', async () => {
    const path = tempLog('start\n')
    const cache = createLogLineCache()
    const query = {
      query: 'done',
      isCaseSensitive: false,
      fromLine: 0,
      direction: 'forward',
      limit: 5,
    } as const
    expect((await cache.search(path, query)).matches).toEqual([])
    appendFileSync(path, 'wärme\nall DONE\n')
    const found = await cache.search(path, query)
    expect(found.matches).toEqual([{ line: 2, column: 4 }])
    expect(found.lineCount).toBe(3)
  })

  it('gives each line the time its first byte arrived, from the sidecar, as the log grows', async () => {
    const path = tempLog()
    const times = new LogTimesRecorder(path)
    // Chunks as a runner receives them: "a\nb" at 1000, "b\nc\n" at 2000, "d" at 3000.
    times.record(0, 1000)
    appendFileSync(path, 'a\nb')
    times.record(3, 2000)
    appendFileSync(path, 'b\nc\n')
    const index = new LogLineIndex(path)
    await index.refresh()
    expect(await index.readLines(0, 10)).toMatchObject({
      lines: ['a', 'bb', 'c'],
      times: [1000, 1000, 2000],
      hasTimes: true,
    })
    times.record(7, 3000)
    appendFileSync(path, 'd')
    times.close()
    await index.refresh()
    expect(await index.readLines(2, 10)).toMatchObject({ lines: ['c', 'd'], times: [2000, 3000] })
    expect((await index.readLines(0, 0)).hasTimes).toBe(true)
  })

  it('answers no times for a log written before times were kept (no sidecar)', async () => {
    const path = tempLog('old\nlog\n')
    const window = await createLogLineCache().readLines(path, 0, 10)
    expect(window.lines).toEqual(['old', 'log'])
    expect(window.hasTimes).toBe(false)
    expect(window.times).toBeUndefined()
  })
})
