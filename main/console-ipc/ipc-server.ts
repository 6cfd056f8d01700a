/**
 * The IPC transport of the console API (style.md §2.3): one invoke channel `c2d:call` and one push
 * channel `c2d:event`. Every call is checked like VS Code's validatedIpcMain — the sender must be the
 * main frame of a console window showing app://console — then goes through the same dispatch as
 * HTTP (method looked up in the contract, input validated with its schema, `{ ok, value }` /
 * `{ ok: false, error }` envelope), so errors keep their code across the process boundary
 * (Podman's ipcHandle/encodeIpcError, typed). Never throws across IPC: a throw would reach the
 * renderer as a string and lose its code.
 */
import type { Logger, dispatchConsoleCall } from '../../engine/index'
import type {
  ConsoleEnvelope,
  ConsoleEventName,
  ConsoleService,
  consoleEvents,
} from '../../engine/console-api/contract'
import type { IpcInvokeEventLike, IpcMainLike, WebContentsLike } from '../electron-types'
import { isAppUrl } from '../window/security'

// The preload holds the same two names (it may import electron and the contract only);
// ipc-server.test.ts checks that they agree.
export const IPC_CALL_CHANNEL = 'c2d:call'
export const IPC_EVENT_CHANNEL = 'c2d:event'

export type SenderCheck = { ok: true } | { ok: false; reason: string }

/** Who may call: the main frame of an attached window, at our app's origin. */
export function checkSender(
  event: IpcInvokeEventLike,
  attached: { has(webContentsId: number): boolean },
): SenderCheck {
  const frame = event.senderFrame
  if (!frame) return { ok: false, reason: 'the sending frame is gone or was navigated away' }
  if (frame.parent !== null) return { ok: false, reason: 'the sender is not the main frame' }
  if (!isAppUrl(frame.url)) return { ok: false, reason: 'the sender is not at the console origin' }
  if (!attached.has(event.sender.id)) return { ok: false, reason: 'the sender is not a console window' }
  return { ok: true }
}

export interface IpcServerDeps {
  ipcMain: IpcMainLike
  service: ConsoleService
  logger: Logger
  /** engine/index.ts's dispatchConsoleCall (passed in: main loads the engine after its window is up). */
  dispatch: typeof dispatchConsoleCall
  /** The contract's consoleEvents (passed in, as `dispatch`: loading the contract loads zod). */
  events: typeof consoleEvents
}

export interface IpcServer {
  /** Lets this window call and receive events (until it is destroyed). */
  attach(contents: WebContentsLike): void
  dispose(): void
}

export function createIpcServer(deps: IpcServerDeps): IpcServer {
  const logger = deps.logger.child({ component: 'console-ipc' })
  const windows = new Map<number, WebContentsLike>()

  deps.ipcMain.handle(
    IPC_CALL_CHANNEL,
    async (event, method: unknown, input: unknown): Promise<ConsoleEnvelope> => {
      const sender = checkSender(event, windows)
      if (!sender.ok) {
        // Log without the frame URL's path or query: it is not ours and may carry anything.
        logger.warn('IPC call refused', { reason: sender.reason })
        return {
          ok: false,
          error: { code: 'UNAUTHORIZED', message: `Console call refused: ${sender.reason}.` },
        }
      }
      if (typeof method !== 'string') {
        return { ok: false, error: { code: 'REQUEST_INVALID', message: 'The method name must be a string.' } }
      }
      return deps.dispatch(deps.service, method, input, logger)
    },
  )

  // One subscription per event for the process; fan out to the attached windows that still show
  // the console (a window elsewhere, were the guards ever bypassed, gets nothing).
  const unsubscribers = (Object.keys(deps.events) as ConsoleEventName[]).map((name) =>
    deps.service.subscribe(name, (payload) => {
      for (const contents of windows.values()) {
        if (!contents.isDestroyed() && isAppUrl(contents.getURL()))
          contents.send(IPC_EVENT_CHANNEL, name, payload)
      }
    }),
  )

  return {
    attach(contents) {
      windows.set(contents.id, contents)
      contents.once('destroyed', () => windows.delete(contents.id))
    },
    dispose() {
      deps.ipcMain.removeHandler(IPC_CALL_CHANNEL)
      unsubscribers.forEach((off) => off())
      windows.clear()
    },
  }
}
