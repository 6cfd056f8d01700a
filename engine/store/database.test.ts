import { describe, it, expect } from 'vitest'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { openDatabase } from './database'

// The package's own build (Node's ABI), found the way better-sqlite3 lays it out.
const packageDir = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'))
const nodeBinding = join(packageDir, 'build', 'Release', 'better_sqlite3.node')

describe('openDatabase: native binding', () => {
  it("uses the package's own build by default", () => {
    const db = openDatabase({ file: ':memory:' })
    expect(db.prepare('SELECT 1 AS one').get()).toEqual({ one: 1 })
    db.close()
  })

  it('loads the binding it is given (how the Electron shell passes its Electron-ABI copy)', () => {
    const db = openDatabase({ file: ':memory:', nativeBinding: nodeBinding })
    expect(db.prepare('SELECT 1 AS one').get()).toEqual({ one: 1 })
    db.close()
  })

  it('fails on a binding that is not there, instead of silently using another one', () => {
    expect(() => openDatabase({ file: ':memory:', nativeBinding: join(packageDir, 'nowhere.node') })).toThrow(
      /nowhere\.node|Cannot find module/,
    )
  })
})
