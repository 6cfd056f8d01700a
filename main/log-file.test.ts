import { describe, it, expect, afterEach } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RotatingLogFile } from './log-file'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

function write(log: RotatingLogFile, line: string): Promise<void> {
  return new Promise((resolve, reject) => log.write(line, (error) => (error ? reject(error) : resolve())))
}

describe('rotating log file', () => {
  it('rotates by size and keeps at most maxFiles files, newest lines in main.log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'c2d-log-'))
    dirs.push(dir)
    const log = new RotatingLogFile({ dir, maxBytes: 100, maxFiles: 3 })
    for (let i = 0; i < 20; i++)
      await write(log, `{"n":${String(i).padStart(2, '0')},"pad":"${'x'.repeat(30)}"}\n`)
    await new Promise<void>((resolve) => log.end(resolve))
    expect(readdirSync(dir).sort()).toEqual(['main.1.log', 'main.2.log', 'main.log'])
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(100)
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toContain('"n":19')
    expect(readFileSync(join(dir, 'main.1.log'), 'utf8')).not.toContain('"n":19')
    expect(readFileSync(join(dir, 'main.2.log'), 'utf8')).not.toContain('"n":00')
  })

  it('appends to an existing log across launches and creates the folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'c2d-log-'))
    dirs.push(root)
    const dir = join(root, 'logs')
    const first = new RotatingLogFile({ dir })
    await write(first, 'one\n')
    await new Promise<void>((resolve) => first.end(resolve))
    const second = new RotatingLogFile({ dir })
    await write(second, 'two\n')
    await new Promise<void>((resolve) => second.end(resolve))
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toBe('one\ntwo\n')
    expect(existsSync(second.rotatedPath(1))).toBe(false)
  })
})
