/**
 * The `app://console/` scheme that serves the built renderer (dist/renderer) to the window. A
 * privileged standard scheme gives the renderer a real origin to check IPC senders against
 * (file:// pages all share the opaque "null" origin) and lets every response carry the CSP.
 * Must never serve a file outside the renderer folder, nor anything for another host.
 */
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import type { CustomSchemeLike } from '../electron-types'
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY } from './security'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
}

/** Registered before app 'ready' (Electron refuses it later). */
export const APP_SCHEME_PRIVILEGES: CustomSchemeLike[] = [
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: true },
  },
]

function answer(status: number, body: string | Uint8Array<ArrayBuffer>, contentType: string): Response {
  return new Response(body, {
    status,
    headers: {
      'content-type': contentType,
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    },
  })
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  )
}

/**
 * The handler for `protocol.handle('app', …)`. `mounts` serve other folders under a path prefix
 * (`/_starting/` → the starting page, which must show before and without the renderer build).
 */
export function serveRenderer(
  rendererDir: string,
  mounts: Record<string, string> = {},
): (request: Request) => Promise<Response> {
  const rendererRoot = normalize(rendererDir + sep)
  return async (request) => {
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return answer(400, 'Bad request', 'text/plain')
    }
    if (url.host !== APP_HOST || request.method !== 'GET') return answer(404, 'Not found', 'text/plain')
    let wanted: string
    try {
      wanted = decodeURIComponent(url.pathname)
    } catch {
      return answer(400, 'Bad request', 'text/plain')
    }
    if (wanted.includes('\0')) return answer(400, 'Bad request', 'text/plain')
    const mount = Object.keys(mounts).find((prefix) => wanted.startsWith(prefix))
    const root = mount ? normalize(mounts[mount]! + sep) : rendererRoot
    if (mount) wanted = '/' + wanted.slice(mount.length)
    let file = normalize(join(root, wanted === '/' ? 'index.html' : wanted))
    if (!file.startsWith(root)) return answer(404, 'Not found', 'text/plain')
    if (!(await isFile(file))) {
      // Single-page app: unknown paths without an extension get the shell; missing assets get 404.
      if (extname(file) !== '' || mount) return answer(404, 'Not found', 'text/plain')
      file = join(root, 'index.html')
      if (!(await isFile(file)))
        return answer(404, 'The renderer is not built: run npm run build:renderer', 'text/plain')
    }
    return answer(
      200,
      Uint8Array.from(await readFile(file)),
      MIME[extname(file)] ?? 'application/octet-stream',
    )
  }
}
