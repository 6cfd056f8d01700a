// The fake console's transport in the states a screen must render: still loading (a method that
// never answers), unreachable (every call fails as fetch does when the server is gone), and a
// contract error (the console answers `{ ok: false, error }`, as the real transports do: use
// `fake.fail[method]` for that). Each wraps the real fake, so whatever still answers speaks the
// contract (validated input, enveloped output).
import { createConsoleClient } from '../../engine/console-api/contract'
import type { FakeConsole } from './fake-console-service'

function withCall(fake: FakeConsole, call: FakeConsole['transport']['call']): FakeConsole {
  const transport = { ...fake.transport, call } as FakeConsole['transport']
  return { ...fake, transport, client: createConsoleClient(transport) }
}

/** The listed methods never answer: the screen stays in its loading state. */
export function holding(fake: FakeConsole, methods: string[]): FakeConsole {
  return withCall(fake, (method, input) =>
    methods.includes(method) ? new Promise<never>(() => {}) : fake.transport.call(method as never, input),
  )
}

/**
 * The fake behind a switch: while `state.down`, every call rejects with the TypeError fetch throws
 * when the server is gone (no console answer, so no error code).
 */
export function switchable(fake: FakeConsole, initiallyDown = false) {
  const state = { down: initiallyDown }
  /** Every method asked while down (the fake's own `calls` records only those it answered). */
  const unanswered: string[] = []
  return {
    state,
    unanswered,
    fake: withCall(fake, (method, input) => {
      if (!state.down) return fake.transport.call(method as never, input)
      unanswered.push(method)
      return Promise.reject(new TypeError('Failed to fetch'))
    }),
  }
}

/** A contract error the tests use for "the console answered, and refused": not a network failure. */
export const CONTRACT_ERROR = { code: 'INTERNAL', message: 'The job store is locked (request id r-42).' }
