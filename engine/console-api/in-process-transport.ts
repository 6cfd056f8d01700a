/**
 * The in-process transport: same dispatch and envelope as HTTP and IPC, no socket. Used by tests
 * (engine contract suite, renderer component tests with a fake service).
 */
import { isConsoleEvent, type ConsoleService, type ConsoleTransport } from './contract'
import { dispatchConsoleCall } from './dispatch'

export function createInProcessTransport(service: ConsoleService): ConsoleTransport {
  return {
    // Round-trip through JSON so tests see exactly what a wire would carry.
    call: async (method, input) =>
      JSON.parse(JSON.stringify(await dispatchConsoleCall(service, method, input))) as unknown,
    subscribe: (event, listener) => {
      if (!isConsoleEvent(event)) throw new Error(`unknown console event ${event}`)
      return service.subscribe(event, (payload) => listener(JSON.parse(JSON.stringify(payload))))
    },
  }
}
