import { describe, it, expect } from 'vitest'
import { appArmorUsernsAdvice } from './linux-userns.mjs'

const reading = (value: string) => () => value

describe('npm start: the AppArmor user-namespace restriction (Ubuntu 24.04)', () => {
  it('prints the fix when the restriction is on', () => {
    const lines = appArmorUsernsAdvice({
      platform: 'linux',
      read: reading('1\n'),
      electronPath: '/repo/electron',
    })
    expect(lines.join('\n')).toMatch(/apparmor_restrict_unprivileged_userns = 1/)
    expect(lines.join('\n')).toContain('profile c2d-electron "/repo/electron"')
    expect(lines.join('\n')).toContain('sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0')
  })

  it('says nothing when it is off, absent, or not Linux', () => {
    expect(appArmorUsernsAdvice({ platform: 'linux', read: reading('0\n') })).toEqual([])
    expect(
      appArmorUsernsAdvice({
        platform: 'linux',
        read: () => {
          throw new Error('ENOENT')
        },
      }),
    ).toEqual([])
    expect(appArmorUsernsAdvice({ platform: 'darwin', read: reading('1') })).toEqual([])
  })
})
