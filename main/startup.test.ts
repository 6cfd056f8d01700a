import { describe, expect, it } from 'vitest'
import { applyProgress, initialStartupState, startFailureFix } from './startup'

const dirs = { userData: '/u', logs: '/u/logs' }

describe('the starting window', () => {
  it('lists every engine step, pending, and applies progress with its error', () => {
    const initial = initialStartupState()
    expect(initial.phase).toBe('starting')
    expect(initial.steps.map((s) => s.step)).toEqual([
      'store',
      'chain',
      'driver',
      'jobs',
      'provider',
      'samples',
      'console',
    ])
    expect(initial.steps.every((s) => s.state === 'pending')).toBe(true)
    const next = applyProgress(initial, { step: 'chain', state: 'failed', error: { message: 'no EDR' } })
    expect(next.steps[1]).toMatchObject({ step: 'chain', state: 'failed', message: 'no EDR' })
    expect(initial.steps[1]!.state).toBe('pending')
  })

  it('says what to do about a failure', () => {
    expect(
      startFailureFix(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }), dirs),
    ).toContain('/u/config.json')
    expect(
      startFailureFix(
        new Error('was compiled against a different Node.js version using NODE_MODULE_VERSION 127'),
        dirs,
      ),
    ).toContain('.electron-native')
    expect(startFailureFix(new Error('EDR did not load. Fix: reinstall'), dirs)).toBe('')
    expect(startFailureFix(new Error('something else'), dirs)).toContain('/u/logs')
  })
})
