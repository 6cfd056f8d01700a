/**
 * What `import … from 'electron'` resolves to in the stand-in runner (run-on-stand-in.ts):
 * one process of the strict stand-in (main/test/electron-stand-in.ts), its data under
 * $C2D_STAND_IN_APPDATA. ESM needs static names, so each module member is re-exported.
 */
import { StandInMachine } from '../electron-stand-in'

const appData = process.env.C2D_STAND_IN_APPDATA
if (!appData) throw new Error('C2D_STAND_IN_APPDATA is not set')
export const machine = new StandInMachine({ appData, platform: process.platform })
// 'ready' once the main script has been evaluated (run-on-stand-in.ts), as Electron does for an ESM main.
export const standIn = machine.spawn({ argv: process.argv.slice(2), holdReady: true })
const e = standIn.electron
export const app = e.app
export const BrowserWindow = e.BrowserWindow
export const Menu = e.Menu
export const Notification = e.Notification
export const Tray = e.Tray
export const dialog = e.dialog
export const ipcMain = e.ipcMain
export const protocol = e.protocol
export const safeStorage = e.safeStorage
export const screen = e.screen
export const session = e.session
export const shell = e.shell
export default e
