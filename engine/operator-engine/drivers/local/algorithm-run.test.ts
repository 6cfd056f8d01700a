// The local runner keeps, beside algorithm.log, when the algorithm's output arrived (the Clock's
// time when its stdout/stderr bytes reached the runner), and leaves the log itself exactly the
// algorithm's bytes. Unsandboxed mode: a plain child process, so this runs without bubblewrap.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../clock'
import { LogLineIndex } from '../../../console-api/log-line-index'
import { logTimesPath } from '../../log-times'
import { runAlgorithm } from './algorithm-run'

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
  if (!check()) throw new Error('condition never held')
}

describe('runAlgorithm: when each line arrived', () => {
  it('records the arrival time of stdout and stderr output beside the log, not in it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'c2d-run-times-'))
    const log = join(dir, 'algorithm.log')
    const trigger = join(dir, 'go')
    writeFileSync(log, 'engine notice\n') // what the engine writes before the run
    const clock = new FakeClock(1_800_000_000_000)
    const script = `
      const fs = require('fs')
      process.stdout.write('first\\n')
      const t = setInterval(() => {
        if (!fs.existsSync(${JSON.stringify(trigger)})) return
        clearInterval(t)
        process.stderr.write('second\\n')
      }, 10)`
    const run = runAlgorithm(
      { mode: 'unsandboxed', argv: [process.execPath, '-e', script], env: {}, cwd: dir },
      log,
      { maxDurationSec: 3600, memoryBytesMax: 2 ** 40, outputBytesMax: 2 ** 40, outputsDir: dir },
      clock,
    )
    await until(() => readFileSync(log, 'utf8').includes('first'))
    clock.advance(5000)
    writeFileSync(trigger, '')
    const end = await run.ended
    expect(end).toMatchObject({ kind: 'exited', exitCode: 0 })
    expect(readFileSync(log, 'utf8')).toBe('engine notice\nfirst\nsecond\n')
    expect(existsSync(logTimesPath(log))).toBe(true)
    const index = new LogLineIndex(log)
    await index.refresh()
    expect(await index.readLines(0, 10)).toMatchObject({
      lines: ['engine notice', 'first', 'second'],
      times: [1_800_000_000_000, 1_800_000_000_000, 1_800_000_005_000],
      hasTimes: true,
    })
  })
})
