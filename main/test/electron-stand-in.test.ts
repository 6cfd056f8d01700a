/**
 * The Electron stand-in itself: it must refuse what Electron refuses, so tests on it mean something.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { StandInError, StandInMachine } from './electron-stand-in'

let dir: string
let machine: StandInMachine
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'c2d-standin-'))
  machine = new StandInMachine({ appData: join(dir, 'appData') })
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const tick = () => new Promise((resolve) => setImmediate(resolve))
const securePrefs = (preload: string) => ({
  preload,
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
})

/** A page served by a handler the test writes. */
function serve(files: Record<string, { body: string; type: string; csp?: string | null; status?: number }>) {
  return (request: Request) => {
    const f = files[new URL(request.url).pathname]
    if (!f) return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } })
    const headers: Record<string, string> = { 'content-type': f.type }
    if (f.csp !== null) headers['content-security-policy'] = f.csp ?? "default-src 'self'; script-src 'self'"
    return new Response(f.body, { status: f.status ?? 200, headers })
  }
}

describe('Electron stand-in: ordering rules', () => {
  it("'ready' comes after the main script, never at once; ready-gated APIs throw before it", async () => {
    const { electron, app } = machine.spawn()
    expect(electron.app.isReady()).toBe(false)
    expect(() => new electron.BrowserWindow({})).toThrow('Cannot create BrowserWindow before app is ready')
    expect(() => new electron.Tray('/icon.png')).toThrow(/before the app is ready/)
    expect(() => electron.session.defaultSession).toThrow('Session can only be received when app is ready')
    expect(() => electron.screen.getAllDisplays()).toThrow(/before the app 'ready' event/)
    expect(() => electron.protocol.handle('app', () => new Response(''))).toThrow(/after the app is ready/)
    electron.protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true } }])
    await electron.app.whenReady()
    expect(app.isReady()).toBe(true)
    expect(() => electron.protocol.registerSchemesAsPrivileged([{ scheme: 'x' }])).toThrow(
      'protocol.registerSchemesAsPrivileged should be called before app is ready',
    )
    electron.protocol.handle('app', () => new Response(''))
    expect(() => electron.protocol.handle('app', () => new Response(''))).toThrow(
      'Failed to register protocol: app',
    )
  })

  it('anything it does not implement throws instead of returning undefined', async () => {
    const { electron } = machine.spawn()
    expect(() => electron.app.getLocale()).toThrow(StandInError)
    expect(() => electron.clipboard).toThrow(/electron\.clipboard is not implemented/)
    await electron.app.whenReady()
    const window = new electron.BrowserWindow({ show: false })
    expect(() => window.setTitle('x')).toThrow(/BrowserWindow\.setTitle is not implemented/)
    expect(() => window.webContents.openDevTools()).toThrow(/webContents\.openDevTools/)
  })

  it('ipcMain.handle twice on one channel throws; a destroyed window throws', async () => {
    const { electron } = machine.spawn()
    electron.ipcMain.handle('c', () => 1)
    expect(() => electron.ipcMain.handle('c', () => 2)).toThrow(
      "Attempted to register a second handler for 'c'",
    )
    await electron.app.whenReady()
    const window = new electron.BrowserWindow({ show: false })
    window.destroy()
    expect(() => window.show()).toThrow('Object has been destroyed')
    expect(() => window.webContents.send('x')).toThrow('Object has been destroyed')
  })

  it('single-instance lock: per userData folder; the second launch gets false, the first its argv', async () => {
    const first = machine.spawn()
    expect(first.electron.app.requestSingleInstanceLock()).toBe(true)
    const seen: string[][] = []
    first.electron.app.on('second-instance', (_event, argv: string[]) => seen.push(argv))
    const second = machine.spawn({ argv: ['--hello'] })
    expect(second.electron.app.requestSingleInstanceLock()).toBe(false)
    await tick()
    expect(seen).toHaveLength(1)
    expect(seen[0]).toContain('--hello')
    // Another data folder is another lock.
    const third = machine.spawn()
    third.electron.app.setPath('userData', join(dir, 'other'))
    expect(third.electron.app.requestSingleInstanceLock()).toBe(true)
    // The lock goes with the process.
    first.electron.app.exit(0)
    expect(machine.spawn().electron.app.requestSingleInstanceLock()).toBe(true)
  })

  it('moving userData after taking the lock is recorded as a violation', () => {
    const proc = machine.spawn()
    proc.electron.app.requestSingleInstanceLock()
    proc.electron.app.setPath('userData', join(dir, 'late'))
    expect(proc.violations).toEqual([expect.stringContaining('after requestSingleInstanceLock')])
  })

  it('quit: before-quit is preventable; the last window closed by the user quits when nobody listens to window-all-closed', async () => {
    const proc = machine.spawn()
    const { electron } = proc
    await electron.app.whenReady()
    const window = new electron.BrowserWindow({ show: false })
    let hold = true
    electron.app.on('before-quit', (event) => {
      if (hold) event.preventDefault()
    })
    electron.app.quit()
    expect(proc.app.state).toBe('running')
    expect(window.isDestroyed()).toBe(false)
    hold = false
    window.close() // no window-all-closed listener: Electron quits
    expect(await proc.exited).toBe(0)
  })
})

describe('Electron stand-in: loading a page', () => {
  async function readyWindow(preload?: string) {
    const proc = machine.spawn()
    proc.electron.protocol.registerSchemesAsPrivileged([
      { scheme: 'app', privileges: { standard: true, secure: true } },
    ])
    await proc.electron.app.whenReady()
    const window = new proc.electron.BrowserWindow({
      show: false,
      webPreferences: securePrefs(preload ?? join(dir, 'none.cjs')),
    })
    return { proc, window, contents: proc.windows[0]!.contents }
  }

  it('checks the document and its assets: status, MIME type, CSP', async () => {
    const { proc, window, contents } = await readyWindow()
    proc.electron.protocol.handle(
      'app',
      serve({
        '/index.html': {
          type: 'text/html',
          body: '<script src="/a.js"></script><script>inline()</script><link rel="stylesheet" href="/a.css"><script src="/gone.js"></script><script src="https://cdn.example/x.js"></script>',
        },
        '/a.js': { type: 'text/javascript', body: '' },
        '/a.css': { type: 'text/plain', body: '' },
        '/bare.html': { type: 'text/html', body: '', csp: null },
      }),
    )
    await window.loadURL('app://console/index.html')
    const page = contents.pages[0]!
    expect([...page.problems].sort()).toEqual(
      [
        'CSP script-src blocks an inline script',
        'CSP script-src blocks https://cdn.example/x.js',
        'style app://console/a.css is text/plain (refused with nosniff)',
        'script app://console/gone.js answered 404',
      ].sort(),
    )
    await window.loadURL('app://console/bare.html')
    expect(contents.pages[1]!.problems).toEqual([
      'document app://console/bare.html has no Content-Security-Policy',
    ])
    await expect(window.loadURL('app://console/nothing.html')).rejects.toThrow(
      /ERR_HTTP_RESPONSE_CODE_FAILURE/,
    )
    await expect(window.loadURL('file:///etc/passwd')).rejects.toThrow(/ERR_UNKNOWN_URL_SCHEME/)
  })

  it('runs the preload sandboxed: electron, events, timers and url only; ESM and node modules fail', async () => {
    const preload = join(dir, 'preload.cjs')
    writeFileSync(
      preload,
      `const { contextBridge, ipcRenderer } = require('electron')
       let fsError = ''
       try { require('fs') } catch (e) { fsError = e.message }
       contextBridge.exposeInMainWorld('probe', {
         fsError,
         hasProcessEnv: Object.keys(process.env).length,
         sandboxed: process.sandboxed,
         ask: (x) => ipcRenderer.invoke('echo', x),
       })`,
    )
    const { proc, window, contents } = await readyWindow(preload)
    proc.electron.protocol.handle('app', serve({ '/index.html': { type: 'text/html', body: '' } }))
    proc.electron.ipcMain.handle('echo', (event, x) => ({ x, from: event.senderFrame?.url }))
    await window.loadURL('app://console/index.html')
    const probe = contents.pages[0]!.mainWorld.probe as Record<string, unknown>
    expect(contents.pages[0]!.preloadErrors).toEqual([])
    expect(probe.fsError).toBe('module not found: fs')
    expect(probe.hasProcessEnv).toBe(0)
    expect(probe.sandboxed).toBe(true)
    expect(await (probe.ask as (x: unknown) => Promise<unknown>)({ a: 1 })).toEqual({
      x: { a: 1 },
      from: 'app://console/index.html',
    })
    await expect((probe.ask as (x: unknown) => Promise<unknown>)(() => 1)).rejects.toThrow(
      /could not be cloned/,
    )

    mkdirSync(join(dir, 'esm'))
    writeFileSync(join(dir, 'esm', 'preload.mjs'), "import { contextBridge } from 'electron'\n")
    const esm = await readyWindow(join(dir, 'esm', 'preload.mjs'))
    esm.proc.electron.protocol.handle('app', serve({ '/index.html': { type: 'text/html', body: '' } }))
    await esm.window.loadURL('app://console/index.html')
    expect(String(esm.contents.pages[0]!.preloadErrors[0])).toMatch(
      /import statement outside a module|SyntaxError/,
    )
  })
})
