import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { childStdio, relayQuitSignals, signalPlan } from './electron-signals.mjs'

function fakeChild() {
  const sent: string[] = []
  return {
    sent,
    exitCode: null as number | null,
    signalCode: null,
    kill(signal: NodeJS.Signals) {
      sent.push(signal)
      return true
    },
  }
}

describe('npm start passes quit signals to Electron', () => {
  it('POSIX: forwards SIGINT, SIGTERM and SIGHUP to the child (which quits gracefully), and stays until it exits', () => {
    const proc = new EventEmitter()
    const child = fakeChild()
    relayQuitSignals(proc, child, 'linux')
    proc.emit('SIGINT')
    proc.emit('SIGTERM')
    expect(child.sent).toEqual(['SIGINT', 'SIGTERM'])
    child.exitCode = 0
    proc.emit('SIGHUP')
    expect(child.sent).toEqual(['SIGINT', 'SIGTERM'])
  })

  it('Windows: never kill() (TerminateProcess); Ctrl-C and Ctrl-Break write "quit" to the child\'s stdin pipe, which main/launch.ts reads', () => {
    const proc = new EventEmitter()
    const written: string[] = []
    const child = { ...fakeChild(), stdin: { destroyed: false, write: (t: string) => written.push(t) } }
    expect(childStdio('win32')).toEqual({ stdin: 'pipe', env: { C2D_QUIT_ON_STDIN: '1' } })
    relayQuitSignals(proc, child, 'win32')
    proc.emit('SIGINT')
    proc.emit('SIGBREAK')
    expect(child.sent).toEqual([])
    expect(written).toEqual(['quit\n', 'quit\n'])
    expect(signalPlan('win32').every((s) => !s.forward)).toBe(true)
    expect(childStdio('linux').stdin).toBe('inherit')
  })
})
