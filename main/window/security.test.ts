import { describe, it, expect } from 'vitest'
import { FakeSession, FakeShell, FakeWebContents } from '../test/fake-electron'
import { createFakeLogger } from '../test/fake-logger'
import {
  CONTENT_SECURITY_POLICY,
  hardenSession,
  hardenWebContents,
  isAppUrl,
  isSafeExternalUrl,
  secureWebPreferences,
} from './security'

function hardened() {
  const contents = new FakeWebContents('app://console/index.html')
  const shell = new FakeShell()
  const logger = createFakeLogger()
  hardenWebContents(contents, { shell, logger })
  return { contents, shell, logger }
}

describe('navigation and new-window guards', () => {
  it('refuses navigation and redirects away from the app, and keeps the page where it was', () => {
    const { contents } = hardened()
    expect(contents.simulateNavigation('https://evil.example/phish')).toBe(false)
    expect(contents.simulateNavigation('file:///etc/passwd')).toBe(false)
    expect(contents.simulateNavigation('http://127.0.0.1:8030/', 'will-redirect')).toBe(false)
    expect(contents.getURL()).toBe('app://console/index.html')
  })

  it('lets the app reload its own pages', () => {
    expect(hardened().contents.simulateNavigation('app://console/index.html')).toBe(true)
  })

  it('refuses webviews', () => {
    expect(hardened().contents.simulateAttachWebview()).toBe(false)
  })

  it('denies every window.open; a validated https link goes to the OS browser instead', () => {
    const { contents, shell } = hardened()
    expect(contents.simulateWindowOpen('https://docs.oceanprotocol.com/developers')).toEqual({
      action: 'deny',
    })
    expect(shell.openedExternal).toEqual(['https://docs.oceanprotocol.com/developers'])
    for (const url of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'http://docs.oceanprotocol.com/',
      'ms-msdt:/id',
      'app://console/index.html',
      'https://user:pw@example.com/',
    ]) {
      expect(contents.simulateWindowOpen(url)).toEqual({ action: 'deny' })
    }
    expect(shell.openedExternal).toHaveLength(1)
  })

  it('logs refusals without the refused URL (it may carry tokens)', () => {
    const { contents, logger } = hardened()
    contents.simulateNavigation('https://evil.example/?token=secret')
    expect(logger.lines).toHaveLength(1)
    expect(JSON.stringify(logger.lines)).not.toContain('secret')
  })
})

describe('URL checks', () => {
  it.each([
    ['https://docs.oceanprotocol.com/x', true],
    ['https://localhost/', false],
    ['http://example.com/', false],
    ['https://a:b@example.com/', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('external %s → %s', (url, expected) => expect(isSafeExternalUrl(url)).toBe(expected))

  it.each([
    ['app://console/index.html', true],
    ['app://console/', true],
    ['app://consolex/index.html', false],
    ['https://console/', false],
    ['file:///index.html', false],
  ])('app url %s → %s', (url, expected) => expect(isAppUrl(url)).toBe(expected))
})

describe('session hardening', () => {
  it('denies every permission request and check', async () => {
    const session = new FakeSession()
    hardenSession(session)
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
      expect(await session.requestPermission(permission)).toBe(false)
      expect(session.checkPermission(permission)).toBe(false)
    }
  })

  it('allows clipboard-sanitized-write (Copy buttons) for the app origin only', async () => {
    const session = new FakeSession()
    hardenSession(session)
    expect(await session.requestPermission('clipboard-sanitized-write', 'app://console/index.html')).toBe(
      true,
    )
    expect(session.checkPermission('clipboard-sanitized-write', 'app://console')).toBe(true)
    for (const foreign of ['https://evil.example', 'app://other', 'file://', 'null']) {
      expect(await session.requestPermission('clipboard-sanitized-write', `${foreign}/x`)).toBe(false)
      expect(session.checkPermission('clipboard-sanitized-write', foreign)).toBe(false)
    }
    expect(await session.requestPermission('clipboard-read', 'app://console/index.html')).toBe(false)
  })

  it('puts the strict CSP on every response, replacing a weaker one', () => {
    const session = new FakeSession()
    hardenSession(session)
    const headers = session.simulateResponse('app://console/index.html', {
      'content-security-policy': ['default-src *'],
      'content-type': ['text/html'],
    })
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY])
    expect(Object.keys(headers).filter((k) => k.toLowerCase() === 'content-security-policy')).toHaveLength(1)
    expect(headers['content-type']).toEqual(['text/html'])
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'")
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval')
  })
})

describe('web preferences', () => {
  it('keep the renderer isolated and sandboxed with no Node', () => {
    expect(secureWebPreferences('/p/preload.cjs')).toMatchObject({
      preload: '/p/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
  })
})
