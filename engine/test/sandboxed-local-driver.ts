/**
 * The LocalDriver the sandbox tests run: sandbox required (no unsandboxed fallback), silent, and
 * with IPFS/Arweave gateways that refuse every connection, so no job can reach the network.
 */
import { systemClock } from '../clock'
import { silentLogger } from '../logging'
import { LocalDriver, type LocalDriverOptions } from '../operator-engine/drivers/local/local-driver'

export function sandboxedLocalDriver(options: Partial<LocalDriverOptions> = {}): LocalDriver {
  return new LocalDriver({
    logger: silentLogger,
    clock: systemClock,
    allowUnsandboxed: false,
    ipfsGateway: 'http://127.0.0.1:9',
    arweaveGateway: 'http://127.0.0.1:9',
    ...options,
  })
}
