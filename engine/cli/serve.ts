/**
 * `npm run serve`: the engine without Electron. Parses flags (they are loadConfig's overrides),
 * starts the core, prints the Provider and Console URLs, and shuts down gracefully on
 * SIGINT/SIGTERM. Imports engine/index.ts and engine/config only.
 */
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig, printableConfig } from '../config/load'
import { startCore } from '../index'

const HELP = `Usage: npm run serve -- [options]

Runs the C2D publisher console headless: Provider endpoint, Operator-Service and the local sandbox.
With no configuration it starts an in-process dev chain (chain id 8996).

Options:
  --data-dir <path>        where the database, job folders and chain state live
  --provider-host <host>   bind address of the Provider endpoint (default 127.0.0.1)
  --provider-port <port>   port of the Provider endpoint (default 8030)
  --console-port <port>    port of the console API/UI on 127.0.0.1 (default: any free port)
  --log-level <level>      debug | info | warn | error | silent (default info)
  --print-config           print the effective configuration and exit
  --help                   show this help

Configuration is read from <data-dir>/config.json, then C2D_* environment variables, then flags.`

type Overrides = Record<string, unknown>

/** Flags → loadConfig overrides; a malformed number is left as text so the schema reports it. */
export function overridesFromArgs(args: string[]): { overrides: Overrides; printConfig: boolean; help: boolean } {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      'provider-host': { type: 'string' },
      'provider-port': { type: 'string' },
      'console-port': { type: 'string' },
      'log-level': { type: 'string' },
      'print-config': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  const num = (v: string | undefined) => (v === undefined ? undefined : /^\d+$/.test(v) ? Number(v) : v)
  const overrides: Overrides = {
    dataDir: values['data-dir'],
    logLevel: values['log-level'],
    provider: { host: values['provider-host'], port: num(values['provider-port']) },
    console: { port: num(values['console-port']) },
  }
  return { overrides, printConfig: values['print-config'] === true, help: values.help === true }
}

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
