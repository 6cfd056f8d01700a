/**
 * Settings → Desktop notifications in the browser console: the engine keeps the choice in its
 * settings table, so it survives a restart of the same data dir (the desktop app answers these calls
 * in main/ from desktop-preferences.json instead: main/app.test.ts).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startCore, type Core } from '../index'
import { consoleConfigSchema } from '../config/schema'
import { createConsoleClient } from '../console-api/contract'
import { createInProcessTransport } from '../console-api/in-process-transport'
import { MemoryLogger } from '../logging'

const dataDir = join(mkdtempSync(join(tmpdir(), 'c2d-notification-settings-')), 'data')
let core: Core | undefined
afterEach(async () => {
  await core?.stop()
  core = undefined
})

async function start() {
  const config = consoleConfigSchema.parse({
    dataDir,
    logLevel: 'silent',
    chain: { mode: 'off' },
    operatorApi: { enabled: false },
    provider: { port: 0 },
  })
  core = await startCore(config, { logger: new MemoryLogger(), listenConsole: false })
  return createConsoleClient(createInProcessTransport(core.consoleService))
}

describe('desktop notifications in the browser console', () => {
  it('are off until chosen, and a choice is kept across a restart', async () => {
    let client = await start()
    expect(await client.getNotificationSettings()).toEqual({
      desktopNotifications: false,
      surface: 'browser',
      isSupported: true,
    })
    expect((await client.setNotificationSettings({ desktopNotifications: true })).desktopNotifications).toBe(
      true,
    )
    await core!.stop()
    core = undefined
    client = await start()
    expect((await client.getNotificationSettings()).desktopNotifications).toBe(true)
    // The change is in the audit trail, as every configuration change is.
    const { events } = await client.listAuditEvents({ type: 'config.changed' })
    expect(events.some((e) => e.subject === 'notifications')).toBe(true)
  }, 60_000)
})
