/**
 * The native application menu. Standard roles for editing and windows (so copy/paste and the
 * platform shortcuts work), plus the console's own commands. Developer tools only in development
 * builds: in a packaged app they would let anyone with the window run code next to the IPC bridge.
 */
import type { MenuItemTemplate } from './electron-types'

export interface MenuActions {
  showConsole(): void
  openDataFolder(): void
  openLogFolder(): void
  openDocumentation(): void
  quit(): void
  /** Linux: the "keep serving in the background" switch (enabled only where a tray is shown). */
  keepServing?: { checked: boolean; enabled: boolean; toggle(checked: boolean): void }
  /** Desktop notifications (failed jobs, refused requests, payments claimed) on or off. */
  desktopNotifications?: { checked: boolean; toggle(checked: boolean): void }
}

export function applicationMenuTemplate(options: {
  platform: NodeJS.Platform
  isPackaged: boolean
  actions: MenuActions
}): MenuItemTemplate[] {
  const { actions } = options
  const isMac = options.platform === 'darwin'
  const quit: MenuItemTemplate = { label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: actions.quit }
  const view: MenuItemTemplate[] = [
    { role: 'reload' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ]
  if (!options.isPackaged) view.push({ type: 'separator' }, { role: 'toggleDevTools' })
  return [
    ...(isMac
      ? [
          {
            label: 'C2D Publisher Console',
            submenu: [
              { role: 'about' },
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              quit,
            ],
          } satisfies MenuItemTemplate,
        ]
      : []),
    {
      label: 'File',
      submenu: [
        { label: 'Show console', accelerator: 'CmdOrCtrl+1', click: actions.showConsole },
        { label: 'Open data folder', click: actions.openDataFolder },
        { label: 'Open log folder', click: actions.openLogFolder },
        ...(actions.desktopNotifications
          ? [
              { type: 'separator' } satisfies MenuItemTemplate,
              {
                label: 'Desktop notifications',
                type: 'checkbox',
                checked: actions.desktopNotifications.checked,
                click: () => actions.desktopNotifications?.toggle(!actions.desktopNotifications.checked),
              } satisfies MenuItemTemplate,
            ]
          : []),
        ...(actions.keepServing
          ? [
              { type: 'separator' } satisfies MenuItemTemplate,
              {
                label: 'Keep serving in the background when the window is closed',
                type: 'checkbox',
                checked: actions.keepServing.checked,
                // No tray shown (GNOME without AppIndicator): a hidden app could not be reached or quit.
                enabled: actions.keepServing.enabled,
                click: () => actions.keepServing?.toggle(!actions.keepServing.checked),
              } satisfies MenuItemTemplate,
            ]
          : []),
        ...(isMac ? [] : [{ type: 'separator' } satisfies MenuItemTemplate, quit]),
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    { label: 'View', submenu: view },
    {
      label: 'Window',
      submenu: isMac ? [{ role: 'minimize' }, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }],
    },
    {
      label: 'Help',
      submenu: [{ label: 'Ocean Compute-to-Data documentation', click: actions.openDocumentation }],
    },
  ]
}
