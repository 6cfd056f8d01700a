/**
 * Browser HTTP transport: fetch for calls (Bearer token), one EventSource for all events (token as
 * ?token= because EventSource cannot set headers). Its open/error events are the app's connectivity
 * signal (`connection`). EventSource retries a dropped stream itself; when it gives up (the server
 * answered with an error, e.g. a restart with a new token) a new one is opened every few seconds.
 */
import type { ConsoleTransport } from '../../engine/console-api/contract'
import { createConnectionSignal, type ConnectionSignal } from './connection-signal'

export type BrowserHttpTransport = ConsoleTransport & { connection: ConnectionSignal }

const REOPEN_MS = 3000

export function createBrowserHttpTransport(
  origin: string,
  token: string,
  EventSourceImpl: typeof EventSource = globalThis.EventSource,
): BrowserHttpTransport {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const connection = createConnectionSignal()
  let source: EventSource | null = null
  let reopen: ReturnType<typeof setTimeout> | undefined

  const listen = (target: EventSource, event: string) =>
    target.addEventListener(event, (message) => {
      const payload = JSON.parse((message as MessageEvent<string>).data) as unknown
      listeners.get(event)?.forEach((l) => l(payload))
    })

  const open = () => {
    const next = new EventSourceImpl(`${origin}/console/v1/events?token=${encodeURIComponent(token)}`)
    source = next
    next.addEventListener('open', () => connection.set('open'))
    next.addEventListener('error', () => {
      connection.set('lost')
      if (next.readyState === EventSourceImpl.CLOSED && source === next && reopen === undefined)
        reopen = setTimeout(() => {
          reopen = undefined
          open()
        }, REOPEN_MS)
    })
    for (const event of listeners.keys()) listen(next, event)
    return next
  }

  const ensureSource = (event: string) => {
    const current = source ?? open()
    if (!listeners.has(event)) {
      listeners.set(event, new Set())
      listen(current, event)
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
    connection,
  }
}

/** The download link for a result file (the HTTP route; IPC uses readResult instead). */
export function resultDownloadUrl(origin: string, token: string, jobId: string, index: number): string {
  return `${origin}/console/v1/jobs/${encodeURIComponent(jobId)}/results/${index}?token=${encodeURIComponent(token)}`
}
