/**
 * Picks the console transport: IPC when the Electron preload exposed `window.c2d`, else HTTP to the
 * page's own origin with the token from the URL fragment (#token=; fragments never reach servers or
 * access logs). Nothing else in the renderer knows which one it got.
 */
import {
  createConsoleClient,
  type ConsoleClient,
  type ConsoleTransport,
} from '../../engine/console-api/contract'
import { createBrowserHttpTransport, type BrowserHttpTransport } from './http-transport'
import type { ConnectionSignal } from './connection-signal'

declare global {
  interface Window {
    c2d?: ConsoleTransport
  }
}

export function readTokenFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  return params.get('token')
}

/** The browser console's token (for the streamed results GET); '' under IPC. */
export function currentHttpToken(win: Window): string {
  return readTokenFromFragment(win.location.hash) ?? win.sessionStorage.getItem('c2d.token') ?? ''
}

export function chooseTransport(win: Window): ConsoleTransport {
  if (win.c2d && typeof win.c2d.call === 'function' && typeof win.c2d.subscribe === 'function') return win.c2d
  const token = currentHttpToken(win)
  // Keep the token across reloads of this tab, then drop it from the address bar.
  if (token) win.sessionStorage.setItem('c2d.token', token)
  return createBrowserHttpTransport(win.location.origin, token)
}

export function createBrowserConsoleClient(win: Window = window): ConsoleClient {
  return createConsoleClient(chooseTransport(win))
}

/** The client and, over HTTP, its connectivity signal (the event stream's open/error; none under IPC). */
export function createBrowserConsole(win: Window = window): {
  client: ConsoleClient
  connection?: ConnectionSignal
} {
  const transport = chooseTransport(win)
  const connection = 'connection' in transport ? (transport as BrowserHttpTransport).connection : undefined
  return { client: createConsoleClient(transport), ...(connection ? { connection } : {}) }
}
