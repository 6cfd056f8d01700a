import { describe, expect, it } from 'vitest'
import { overridesFromArgs } from './serve-args'

describe('overridesFromArgs', () => {
  it('maps every flag onto the config shape', () => {
    const parsed = overridesFromArgs([
      '--data-dir',
      '/tmp/x',
      '--provider-host',
      '0.0.0.0',
      '--provider-port',
      '8031',
      '--console-port',
      '0',
      '--log-level',
      'debug',
      '--print-config',
    ])
    expect(parsed.overrides).toEqual({
      dataDir: '/tmp/x',
      logLevel: 'debug',
      provider: { host: '0.0.0.0', port: 8031 },
      console: { port: 0 },
    })
    expect(parsed.printConfig).toBe(true)
    expect(parsed.help).toBe(false)
  })

  it('leaves a malformed port as text for the schema to report', () => {
    expect(overridesFromArgs(['--provider-port', 'eighty']).overrides.provider).toEqual({
      host: undefined,
      port: 'eighty',
    })
  })

  it('rejects unknown flags', () => {
    expect(() => overridesFromArgs(['--nope'])).toThrow(/nope/)
  })

  it('recognises --help', () => {
    expect(overridesFromArgs(['--help']).help).toBe(true)
  })
})
