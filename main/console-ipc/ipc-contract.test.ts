// The console API contract suite (engine/console-api/contract-suite.ts) over the IPC transport:
// preload bridge → fake ipcRenderer/ipcMain pair (structured clone, sender + frame) → ipc-server →
// the same service the in-process and HTTP runs use. Kept here because engine/ may not import
// main/ (lint); engine/test/console-api-contract.test.ts runs the other two transports.
import { FakeIpcMain, FakeIpcRenderer, FakeWebContents } from '../test/fake-electron'
import { createFakeLogger } from '../test/fake-logger'
import { describeConsoleContract } from '../test/engine-test-support'
import { createC2dBridge } from '../preload/c2d-bridge'
import { dispatchConsoleCall } from '../../engine/index'
import { consoleEvents } from '../../engine/console-api/contract'
import { createIpcServer } from './ipc-server'

describeConsoleContract('IPC', async (service) => {
  const ipcMain = new FakeIpcMain()
  const server = createIpcServer({
    ipcMain,
    service,
    logger: createFakeLogger(),
    dispatch: dispatchConsoleCall,
    events: consoleEvents,
  })
  const window = new FakeWebContents('app://console/index.html')
  server.attach(window)
  return { transport: createC2dBridge(new FakeIpcRenderer(ipcMain, window)), close: () => server.dispose() }
})
