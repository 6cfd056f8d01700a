/**
 * The bench's baseline: the barest Electron app on the same stand-in: on ready, register the scheme
 * handler, open a window on a static page, show it when painted. No engine.
 */
import { BrowserWindow, app, protocol } from 'electron'

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true } }])
void app.whenReady().then(() => {
  protocol.handle(
    'app',
    () =>
      new Response('<!doctype html><title>bare</title>', {
        headers: { 'content-type': 'text/html', 'content-security-policy': "default-src 'self'" },
      }),
  )
  const window = new BrowserWindow({ show: false, width: 800, height: 600 })
  window.once('ready-to-show', () => window.show())
  void window.loadURL('app://bare/index.html')
})
