/**
 * Electron's security checklist, in one place: the renderer's origin (app://console, a privileged
 * standard scheme, never file://), a strict CSP on every response, web preferences that keep the
 * renderer sandboxed, navigation and new-window guards for every webContents, and a session that
 * grants no permission. Nothing here may loosen a guard for convenience: the renderer shows
 * consumers' job logs and asset names, which are untrusted text.
 */
import type { Logger } from '../../engine/index'
import type {
  PreventableEvent,
  SessionLike,
  ShellLike,
  WebContentsLike,
  WindowOptions,
} from '../electron-types'

export const APP_SCHEME = 'app'
export const APP_HOST = 'console'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`
/** The "starting" page, shown at once while the engine starts (served from main/window/starting). */
export const STARTING_PATH = '/_starting/'
export const STARTING_PAGE_URL = `${APP_ORIGIN}${STARTING_PATH}index.html`

/** Same policy as the HTTP transport's, so the renderer behaves alike in Electron and in Chromium. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ')

export type GuardLogger = Pick<Logger, 'warn'>

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/** True only for our own renderer's origin (scheme + host), whatever the path. */
export function isAppUrl(url: string): boolean {
  const parsed = parse(url)
  return parsed !== null && parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST
}

/**
 * Links we hand to the OS browser: https only, no credentials in the URL, a real host name.
 * Everything else (file:, javascript:, custom schemes that launch programs, http) is refused.
 */
export function isSafeExternalUrl(url: string): boolean {
  const parsed = parse(url)
  if (!parsed || parsed.protocol !== 'https:') return false
  if (parsed.username || parsed.password) return false
  return /^[a-z0-9.-]+$/i.test(parsed.hostname) && parsed.hostname.includes('.')
}

export function secureWebPreferences(preloadPath: string): WindowOptions['webPreferences'] {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  }
}

/**
 * Guards for one webContents (applied to every one through app 'web-contents-created'):
 * no navigation away from the app, no redirects, no webviews, no new windows. An https link
 * the user clicked opens in the OS browser after validation; nothing else leaves the app.
 */
export function hardenWebContents(
  contents: WebContentsLike,
  deps: { shell: ShellLike; logger: GuardLogger },
): void {
  const refuseNavigation = (event: PreventableEvent, url: string) => {
    // The app is a single page; in-page (hash/pushState) moves do not fire these events.
    if (isAppUrl(url)) return
    event.preventDefault()
    deps.logger.warn('navigation refused', { target: parse(url)?.protocol ?? 'unparsable' })
  }
  contents.on('will-navigate', refuseNavigation)
  contents.on('will-redirect', refuseNavigation)
  contents.on('will-attach-webview', (event) => {
    event.preventDefault()
    deps.logger.warn('webview refused')
  })
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) {
      void deps.shell.openExternal(url).catch(() => deps.logger.warn('could not open link in the browser'))
    } else {
      deps.logger.warn('window.open refused', { target: parse(url)?.protocol ?? 'unparsable' })
    }
    return { action: 'deny' }
  })
}

/** The one permission the console uses: writing to the clipboard (Copy buttons), from its own page only. */
export const ALLOWED_PERMISSION = 'clipboard-sanitized-write'

/**
 * The session grants nothing (camera, notifications, clipboard reads, geolocation, …) except a
 * sanitized clipboard write asked for by the app's own origin: a compromised or foreign frame must
 * not be able to ask. Every response carries the CSP, also
 * ones the app protocol did not produce (devtools, error pages).
 */
export function hardenSession(session: SessionLike): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) =>
    callback(permission === ALLOWED_PERMISSION && isAppUrl(details?.requestingUrl ?? '')),
  )
  session.setPermissionCheckHandler(
    (_webContents, permission, requestingOrigin) =>
      permission === ALLOWED_PERMISSION && isAppUrl(`${requestingOrigin ?? ''}/`),
  )
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...(details.responseHeaders ?? {}) }
    for (const name of Object.keys(headers))
      if (name.toLowerCase() === 'content-security-policy') delete headers[name]
    headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY]
    callback({ responseHeaders: headers })
  })
}
