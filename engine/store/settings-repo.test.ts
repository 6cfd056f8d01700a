import { describe, expect, it } from 'vitest'
import { openDatabase } from './database'
import { SettingsRepo } from './settings-repo'

describe('SettingsRepo', () => {
  it('stores JSON values by key, overwrites and deletes', () => {
    const settings = new SettingsRepo(openDatabase({ file: ':memory:' }))
    expect(settings.get('driver')).toBeUndefined()
    settings.set('driver', { kind: 'kubernetes', context: 'kind-dev' })
    expect(settings.get('driver')).toEqual({ kind: 'kubernetes', context: 'kind-dev' })
    settings.set('driver', { kind: 'local' })
    expect(settings.get('driver')).toEqual({ kind: 'local' })
    settings.delete('driver')
    expect(settings.get('driver')).toBeUndefined()
    expect(() => settings.set('x', undefined)).toThrow(/not a JSON value/)
  })
})
