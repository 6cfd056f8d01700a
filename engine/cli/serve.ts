/**
 * `npm run serve`: the engine without Electron. Parses flags (they are loadConfig's overrides),
 * starts the core, prints the Provider and Console URLs, and shuts down gracefully on
 * SIGINT/SIGTERM. Imports engine/index.ts and engine/config only.
 */
import { ConfigError, loadConfig, printableConfig } from '../config/load'
import { startCore } from '../index'
import { HELP, overridesFromArgs } from './serve-args'

async function main(): Promise<number> {
  let parsed: ReturnType<typeof overridesFromArgs>
  try {
    parsed = overridesFromArgs(process.argv.slice(2))
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`)
    return 2
  }
  if (parsed.help) {
    console.log(HELP)
    return 0
  }
  let config
  try {
    config = loadConfig({ overrides: parsed.overrides })
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message)
      return 2
    }
    throw error
  }
  if (parsed.printConfig) {
    console.log(printableConfig(config))
    return 0
  }
  const core = await startCore(config)
  console.log(`Provider: ${core.providerUrl}`)
  const chain = core.chain
  if (chain?.devChain) {
    console.log(`Dev chain: ${chain.rpcUrl} (chain id ${chain.chainId}; embedded EVM with Ocean's contracts)`)
    console.log(
      `  contracts: ${Object.entries(chain.contracts)
        .map(([name, address]) => `${name}=${address}`)
        .join(' ')}`,
    )
    const samples = chain.devChain.samples
    if (samples) console.log(`  samples: dataset ${samples.dataset.did}  algorithm ${samples.algorithm.did}`)
    console.log(
      `  consumer account, contracts and samples for scripts: ${core.config.dataDir}/dev-chain.json`,
    )
  } else if (chain) {
    console.log(`Chain: ${chain.chainId} via ${chain.rpcUrl.replace(/\/\/([^@/]+)@/, '//***@')}`)
  } else {
    console.log('Chain: off (free compute only)')
  }
  if (core.operatorApiUrl)
    console.log(
      `Operator-Service API: ${core.operatorApiUrl}  (token in ${core.config.dataDir}/operator-api.token)`,
    )
  console.log(`Console: ${core.consoleUrl}#token=${core.consoleToken}`)
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      console.error(`${signal}: shutting down`)
      core.stop().then(resolve, (error: unknown) => {
        console.error(`shutdown failed: ${String(error)}`)
        resolve()
      })
    }
    process.once('SIGINT', () => shutdown('SIGINT'))
    process.once('SIGTERM', () => shutdown('SIGTERM'))
  })
  return 0
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(`Could not start: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  },
)
