import { describe, it, expect } from 'vitest'
import type { ConsoleTransport } from '../../engine/console-api/contract'
import { chooseTransport, readTokenFromFragment } from './console-client'

describe('console client transport choice', () => {
  it('reads the token from the URL fragment', () => {
    expect(readTokenFromFragment('#token=abc123')).toBe('abc123')
    expect(readTokenFromFragment('#other=1&token=t%2Bk')).toBe('t+k')
    expect(readTokenFromFragment('')).toBeNull()
  })

  it('uses IPC when the preload exposed window.c2d', () => {
    const ipc: ConsoleTransport = { call: async () => ({ ok: true, value: 1 }), subscribe: () => () => {} }
    const win = Object.assign(Object.create(window) as Window, { c2d: ipc })
    expect(chooseTransport(win)).toBe(ipc)
  })

  it('falls back to HTTP with the fragment token, sent as a Bearer header', async () => {
    window.history.replaceState(null, '', '/#token=launch-token')
    const seen: Array<{ url: string; auth: string | null }> = []
    const realFetch = globalThis.fetch
    globalThis.fetch = (async (url: string, init: RequestInit) => {
      seen.push({ url, auth: new Headers(init.headers).get('authorization') })
      return new Response(JSON.stringify({ ok: true, value: { jobs: [], total: 0, seq: 0 } }))
    }) as typeof fetch
    try {
      const transport = chooseTransport(window)
      expect(await transport.call('listJobs', {})).toEqual({
        ok: true,
        value: { jobs: [], total: 0, seq: 0 },
      })
      expect(seen).toEqual([
        { url: `${window.location.origin}/console/v1/listJobs`, auth: 'Bearer launch-token' },
      ])
    } finally {
      globalThis.fetch = realFetch
    }
  })
})
