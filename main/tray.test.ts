import { describe, it, expect } from 'vitest'
import { FakeMenu, FakeTray } from './test/fake-electron'
import { applicationMenuTemplate } from './menu'
import type { MenuItemTemplate } from './electron-types'
import { ConsoleTray } from './tray'

const labels = (items: MenuItemTemplate[]): string[] =>
  items.flatMap((i) => [i.label ?? i.role ?? i.type ?? '', ...labels(i.submenu ?? [])])

describe('tray', () => {
  it('shows the Provider status and backend health, and updates them', () => {
    const tray = new FakeTray()
    let quits = 0
    const consoleTray = new ConsoleTray(tray, new FakeMenu(), { showConsole: () => {}, quit: () => quits++ })
    expect(tray.toolTip).toContain('Provider not running')
    consoleTray.update({ providerUrl: 'http://127.0.0.1:8030', isBackendHealthy: false })
    expect(tray.toolTip).toContain('Provider at http://127.0.0.1:8030')
    expect(tray.toolTip).toContain('needs attention')
    const template = (tray.contextMenu as { template: MenuItemTemplate[] }).template
    expect(labels(template)).toEqual(
      expect.arrayContaining(['Provider: http://127.0.0.1:8030', 'Show console', 'Quit']),
    )
    template.find((i) => i.label === 'Quit')!.click!()
    expect(quits).toBe(1)
  })
})

describe('application menu', () => {
  const actions = {
    showConsole: () => {},
    openDataFolder: () => {},
    openLogFolder: () => {},
    openDocumentation: () => {},
    quit: () => {},
  }
  it('has no developer tools in a packaged app', () => {
    expect(labels(applicationMenuTemplate({ platform: 'linux', isPackaged: true, actions }))).not.toContain(
      'toggleDevTools',
    )
    expect(labels(applicationMenuTemplate({ platform: 'linux', isPackaged: false, actions }))).toContain(
      'toggleDevTools',
    )
  })
  it('puts Quit in the app menu on macOS and in File elsewhere', () => {
    const mac = applicationMenuTemplate({ platform: 'darwin', isPackaged: true, actions })
    expect(labels(mac[0]!.submenu!)).toContain('Quit')
    const linux = applicationMenuTemplate({ platform: 'linux', isPackaged: true, actions })
    expect(linux[0]!.label).toBe('File')
    expect(labels(linux[0]!.submenu!)).toContain('Quit')
  })

  it('a click on the icon opens the console (Windows)', () => {
    const tray = new FakeTray()
    let shown = 0
    new ConsoleTray(tray, new FakeMenu(), { showConsole: () => shown++, quit: () => {} })
    tray.click()
    expect(shown).toBe(1)
  })
})
