// Whether the console's live event stream is connected: the transport's connectivity signal
// (renderer/server-state/connection.tsx turns it into the one connection banner).
export type ConnectionState = 'unknown' | 'open' | 'lost'

export interface ConnectionSignal {
  state(): ConnectionState
  subscribe(listener: () => void): () => void
}

export function createConnectionSignal(): ConnectionSignal & { set(state: ConnectionState): void } {
  let current: ConnectionState = 'unknown'
  const listeners = new Set<() => void>()
  return {
    state: () => current,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    set(state) {
      if (state === current) return
      current = state
      listeners.forEach((l) => l())
    },
  }
}
