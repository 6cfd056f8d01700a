/**
 * A Node-side client for the HTTP transport (tests, e2e fixtures, scripts): fetch for calls and a
 * streaming SSE reader for events (Node 20 has no EventSource). The renderer has its own
 * browser client in renderer/console-client; both speak the same wire.
 */
import type { ConsoleTransport } from './contract'

export interface HttpClientTransport extends ConsoleTransport {
  /** Resolves once the event stream is open (so a test can act after subscribing). */
  ready(): Promise<void>
  close(): void
}

export function createHttpClientTransport(baseUrl: string, token: string): HttpClientTransport {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const abort = new AbortController()
  let opened: Promise<void> | undefined

  const open = () => {
    opened ??= (async () => {
      const response = await fetch(`${baseUrl}/console/v1/events?token=${encodeURIComponent(token)}`, {
        signal: abort.signal,
      })
      if (!response.ok || !response.body) throw new Error(`event stream refused: ${response.status}`)
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
      void (async () => {
        let buffer = ''
        try {
          for (;;) {
            const { value, done } = await reader.read()
            if (done) return
            buffer += value
            let end: number
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const frame = buffer.slice(0, end)
              buffer = buffer.slice(end + 2)
              const event = /^event: (.*)$/m.exec(frame)?.[1]
              const data = /^data: (.*)$/m.exec(frame)?.[1]
              if (event && data !== undefined) listeners.get(event)?.forEach((l) => l(JSON.parse(data)))
            }
          }
        } catch {
          // aborted on close
        }
      })()
    })()
    return opened
  }

  return {
    async call(method, input) {
      const response = await fetch(`${baseUrl}/console/v1/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      })
      return response.json()
    },
    subscribe(event, listener) {
      void open()
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener)
      return () => set.delete(listener)
    },
    ready: () => open(),
    close: () => abort.abort(),
  }
}
