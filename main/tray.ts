/**
 * The tray icon: whether the Provider endpoint is up (consumers reach it while the window is
 * closed) and whether the compute backend is healthy, with Show and Quit. The status is pushed in
 * by app.ts from the core and the console events; the tray never asks the engine itself.
 */
import type { MenuItemTemplate, MenuLike, TrayLike } from './electron-types'

export interface TrayStatus {
  /** '' when the Provider endpoint is not running. */
  providerUrl: string
  /** null until the first health check. */
  isBackendHealthy: boolean | null
}

export interface TrayActions {
  showConsole(): void
  quit(): void
}

export function trayToolTip(status: TrayStatus): string {
  const provider = status.providerUrl ? `Provider at ${status.providerUrl}` : 'Provider not running'
  const backend =
    status.isBackendHealthy === null
      ? 'checking the compute backend'
      : status.isBackendHealthy
        ? 'compute backend healthy'
        : 'compute backend needs attention'
  return `C2D Publisher Console — ${provider}; ${backend}`
}

export function trayMenuTemplate(status: TrayStatus, actions: TrayActions): MenuItemTemplate[] {
  return [
    {
      label: status.providerUrl ? `Provider: ${status.providerUrl}` : 'Provider: not running',
      enabled: false,
    },
    {
      label: `Compute backend: ${status.isBackendHealthy === null ? 'checking…' : status.isBackendHealthy ? 'healthy' : 'needs attention'}`,
      enabled: false,
    },
    { type: 'separator' },
    { label: 'Show console', click: actions.showConsole },
    { label: 'Quit', click: actions.quit },
  ]
}

export class ConsoleTray {
  private status: TrayStatus = { providerUrl: '', isBackendHealthy: null }

  constructor(
    private readonly tray: TrayLike,
    private readonly menu: MenuLike,
    private readonly actions: TrayActions,
  ) {
    // Windows users click the icon to get the window back (the menu is on the right click).
    tray.on('click', () => actions.showConsole())
    this.render()
  }

  update(patch: Partial<TrayStatus>): void {
    this.status = { ...this.status, ...patch }
    this.render()
  }

  current(): TrayStatus {
    return this.status
  }

  private render() {
    this.tray.setToolTip(trayToolTip(this.status))
    this.tray.setContextMenu(this.menu.buildFromTemplate(trayMenuTemplate(this.status, this.actions)))
  }

  destroy(): void {
    this.tray.destroy()
  }
}
