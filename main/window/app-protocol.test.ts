import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { APP_SCHEME_PRIVILEGES, serveRenderer } from './app-protocol'
import { CONTENT_SECURITY_POLICY } from './security'

let root: string
let serve: (request: Request) => Promise<Response>

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'c2d-app-protocol-'))
  mkdirSync(join(root, 'renderer', 'assets'), { recursive: true })
  writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html><title>console</title>')
  writeFileSync(join(root, 'renderer', 'assets', 'main.js'), 'console.log(1)')
  writeFileSync(join(root, 'secret.txt'), 'outside the renderer')
  serve = serveRenderer(join(root, 'renderer'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('app:// protocol', () => {
  it('is registered as a secure standard scheme', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      }),
    ])
  })

  it('serves the renderer with the CSP and the right content type', async () => {
    const index = await serve(new Request('app://console/index.html'))
    expect(index.status).toBe(200)
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(index.headers.get('content-type')).toContain('text/html')
    expect(await index.text()).toContain('<title>console</title>')
    const script = await serve(new Request('app://console/assets/main.js'))
    expect(script.headers.get('content-type')).toContain('text/javascript')
  })

  it('never serves a file outside the renderer folder', async () => {
    for (const url of [
      'app://console/%2e%2e/secret.txt',
      'app://console/..%2fsecret.txt',
      'app://console/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    ]) {
      const response = await serve(new Request(url))
      expect(await response.text()).not.toContain('outside the renderer')
    }
  })

  it('answers 404 for other hosts and missing assets, and the app shell for unknown routes', async () => {
    expect((await serve(new Request('app://other/index.html'))).status).toBe(404)
    expect((await serve(new Request('app://console/assets/missing.js'))).status).toBe(404)
    const route = await serve(new Request('app://console/jobs'))
    expect(route.status).toBe(200)
    expect(await route.text()).toContain('<title>console</title>')
  })

  it('serves a mounted folder under its prefix (the starting page), never above it, and 404s its unknown paths', async () => {
    mkdirSync(join(root, 'starting'), { recursive: true })
    writeFileSync(join(root, 'starting', 'index.html'), '<!doctype html><title>starting</title>')
    const mounted = serveRenderer(join(root, 'renderer'), { '/_starting/': join(root, 'starting') })
    const page = await mounted(new Request('app://console/_starting/index.html'))
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(await page.text()).toContain('<title>starting</title>')
    expect((await mounted(new Request('app://console/_starting/%2e%2e/secret.txt'))).status).toBe(404)
    expect((await mounted(new Request('app://console/_starting/nope'))).status).toBe(404)
    expect(await (await mounted(new Request('app://console/index.html'))).text()).toContain(
      '<title>console</title>',
    )
  })
})
