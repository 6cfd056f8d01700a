/**
 * Browser HTTP transport: fetch for calls (Bearer token), one EventSource for all events (token as
 * ?token= because EventSource cannot set headers). Reconnects are EventSource's own.
 */
import type { ConsoleTransport } from '../../engine/console-api/contract'

export function createBrowserHttpTransport(origin: string, token: string): ConsoleTransport {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  let source: EventSource | null = null

  const ensureSource = (event: string) => {
    source ??= new EventSource(`${origin}/console/v1/events?token=${encodeURIComponent(token)}`)
    if (!listeners.has(event)) {
      listeners.set(event, new Set())
      source.addEventListener(event, (message) => {
        const payload = JSON.parse((message as MessageEvent<string>).data) as unknown
        listeners.get(event)?.forEach((l) => l(payload))
      })
    }
    return listeners.get(event)!
  }

  return {
    async call(method, input) {
      const response = await fetch(`${origin}/console/v1/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      })
      return response.json()
    },
    subscribe(event, listener) {
      const set = ensureSource(event)
      set.add(listener)
      return () => set.delete(listener)
    },
  }
}

/** The download link for a result file (the HTTP route; IPC uses readResult instead). */
export function resultDownloadUrl(origin: string, token: string, jobId: string, index: number): string {
  return `${origin}/console/v1/jobs/${encodeURIComponent(jobId)}/results/${index}?token=${encodeURIComponent(token)}`
}
