/**
 * The one place where main/ tests reach past engine/index.ts: the console-ui area's in-memory
 * console service (real service.ts over fake-ports.ts) and its transport contract suite, which
 * were written for main/'s IPC tests (see their headers). Production code in main/ never imports
 * these; only *.test.ts files import this module.
 */
/* eslint-disable no-restricted-imports -- test support only: the shared console fakes and contract suite (style.md §2.3, §2.6) */
import { createConsoleService } from '../../engine/console-api/service'
import { createFakePorts, type FakePorts } from '../../engine/console-api/fake-ports'
export { seedJob, type FakePorts } from '../../engine/console-api/fake-ports'
export { describeConsoleContract, type TransportUnderTest } from '../../engine/console-api/contract-suite'
/* eslint-enable no-restricted-imports */
import type { ConsoleService } from '../../engine/console-api/contract'

export function createTestConsoleService(): { service: ConsoleService; ports: FakePorts } {
  const ports = createFakePorts()
  return { service: createConsoleService(ports), ports }
}
