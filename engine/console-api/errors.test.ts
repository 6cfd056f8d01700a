import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CHAIN_ERRORS } from '../chain/chain-errors'
import { PROVIDER_ERRORS } from '../provider/errors'
import { PUBLISHING_ERRORS } from '../publishing/publishing-errors'
import { ConsoleErrorCode, consoleError } from './errors'

const engineDir = fileURLToPath(new URL('..', import.meta.url))
const page = readFileSync(fileURLToPath(new URL('../../docs/errors.md', import.meta.url)), 'utf8')
const consoleSection = page.slice(page.indexOf('\n## Console API errors'))
const codesIn = (text: string) => new Set([...text.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!))

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path)
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : []
  })
}

describe('console API error codes in docs/errors.md', () => {
  it("documents every code of the console's catalogue in its section, and no other code there before the pass-through table", () => {
    const ownTable = consoleSection.slice(0, consoleSection.indexOf('\n### Passed through'))
    expect([...codesIn(ownTable)].sort()).toEqual(
      [...Object.values(ConsoleErrorCode), 'TRANSPORT_INVALID'].sort(),
    )
  })

  it('documents every code the engine throws: the catalogues and every literal C2dError code', () => {
    const documented = codesIn(page)
    const literal = new Set<string>()
    for (const file of sourceFiles(engineDir)) {
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/new C2dError\(\s*'([A-Z_]+)'/g)) literal.add(m[1]!)
    }
    expect(literal.size).toBeGreaterThan(5)
    const thrown = [
      ...Object.keys(PROVIDER_ERRORS),
      ...Object.keys(PUBLISHING_ERRORS),
      ...Object.keys(CHAIN_ERRORS),
      ...Object.values(ConsoleErrorCode),
      ...literal,
    ]
    expect(thrown.filter((code) => !documented.has(code))).toEqual([])
  })

  it('consoleError carries the code, a status and the details', () => {
    const error = consoleError(ConsoleErrorCode.AccessRequestDecided, 'already approved', { txHash: '0x1' })
    expect([error.code, error.status, error.message, error.details]).toEqual([
      'ACCESS_REQUEST_DECIDED',
      409,
      'already approved',
      { txHash: '0x1' },
    ])
  })
})
