import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { create as createTar } from 'tar'
import { describe, expect, it } from 'vitest'
import { FakeClock } from '../clock'
import { DEFAULT_LEAK_CHECK_LIMITS, globToRegExp, reviewOutputs } from './output-review'

function jobFolder(files: Record<string, string | Buffer>, log?: string) {
  const root = mkdtempSync(join(tmpdir(), 'review-out-'))
  const outputs = join(root, 'outputs')
  const results = join(root, 'results')
  mkdirSync(outputs)
  mkdirSync(results)
  for (const [name, content] of Object.entries(files)) writeFileSync(join(outputs, name), content)
  createTar({ file: join(results, 'outputs.tar'), cwd: root, sync: true, portable: true }, ['outputs'])
  if (log !== undefined) writeFileSync(join(results, 'algorithm.log'), log)
  const input = join(root, 'input.csv')
  writeFileSync(
    input,
    'name,email,city\nAlice Example,alice@example.com,Berlin\nBob Example,bob@example.com,Paris\n1,2,3\n',
  )
  return { results, input }
}

describe('reviewOutputs', () => {
  it('lists files with kinds and previews, and passes clean outputs', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000', 'hex')
    const { results, input } = jobFolder(
      { 'summary.csv': 'city,count\nBerlin,1\nParis,1\n', 'stats.json': '{"rows":2}\n', 'plot.png': png },
      'read 2 rows\n',
    )
    const review = await reviewOutputs({ resultsDir: results, inputFiles: [input], clock: new FakeClock() })
    const byPath = Object.fromEntries(review.files.map((f) => [f.path, f]))
    expect(byPath['outputs/summary.csv']).toMatchObject({
      kind: 'csv',
      previewLines: ['city,count', 'Berlin,1', 'Paris,1', ''],
    })
    expect(byPath['outputs/stats.json']).toMatchObject({ kind: 'json', sizeBytes: 11 })
    expect(byPath['outputs/plot.png']?.imageDataUrl).toBe(`data:image/png;base64,${png.toString('base64')}`)
    expect(review.guards.every((g) => g.status === 'pass')).toBe(true)
    expect(review.algorithmLog).toEqual({ sizeBytes: 12, previewLines: ['read 2 rows', ''] })
  })

  it('flags input lines copied verbatim into outputs or the log, size, count and name patterns', async () => {
    const { results, input } = jobFolder(
      { 'dump.txt': 'header\nAlice Example,alice@example.com,Berlin\n', 'extra.bin': Buffer.from([0, 1, 2]) },
      'debug: Bob Example,bob@example.com,Paris\nBob Example,bob@example.com,Paris\n',
    )
    const review = await reviewOutputs({
      resultsDir: results,
      inputFiles: [input],
      guards: { outputBytesMax: 10, fileCountMax: 1, allowedPatterns: ['outputs/*.txt'] },
      clock: new FakeClock(),
    })
    const guard = Object.fromEntries(review.guards.map((g) => [g.id, g]))
    expect(guard['output-size']?.status).toBe('flag')
    expect(guard['file-count']?.status).toBe('flag')
    expect(guard['file-patterns']).toMatchObject({ status: 'flag', examples: ['outputs/extra.bin'] })
    expect(guard['output-leak']).toMatchObject({
      status: 'flag',
      examples: ['Alice Example,alice@example.com,Berlin'],
    })
    expect(guard['log-leak']).toMatchObject({
      status: 'flag',
      examples: ['Bob Example,bob@example.com,Paris'],
    })
  })

  it('skips the leak checks without staged inputs, and reports a scan cut by its time budget', async () => {
    const { results, input } = jobFolder({ 'a.txt': 'Alice Example,alice@example.com,Berlin\n' })
    const skipped = await reviewOutputs({ resultsDir: results, inputFiles: [], clock: new FakeClock() })
    expect(skipped.guards.find((g) => g.id === 'output-leak')?.status).toBe('skipped')
    const big = join(results, '..', 'big.csv')
    writeFileSync(big, 'some line that is long enough\n'.repeat(20_000))
    const clock = new FakeClock()
    const ticking = { nowMs: () => (clock.advance(1000), clock.nowMs()) }
    const cut = await reviewOutputs({
      resultsDir: results,
      inputFiles: [big, input],
      limits: { ...DEFAULT_LEAK_CHECK_LIMITS, timeBudgetMs: 1500 },
      clock: ticking,
    })
    expect(cut.guards.find((g) => g.id === 'output-leak')?.message).toMatch(/stopped after 1500 ms/)
  })

  it('matches globs per path segment', () => {
    expect(globToRegExp('outputs/*.csv').test('outputs/a.csv')).toBe(true)
    expect(globToRegExp('outputs/*.csv').test('outputs/x/a.csv')).toBe(false)
    expect(globToRegExp('**/*.csv').test('outputs/x/a.csv')).toBe(true)
    expect(globToRegExp('outputs/?.json').test('outputs/a.json')).toBe(true)
  })
})
