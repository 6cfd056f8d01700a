/**
 * The `serve` command line: help text and flags → loadConfig overrides. Pure (no I/O), so the
 * parsing is tested without starting anything.
 */
import { parseArgs } from 'node:util'

export const HELP = `Usage: npm run serve -- [options]

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

export type Overrides = Record<string, unknown>

/** Flags → loadConfig overrides; a malformed number is left as text so the schema reports it. */
export function overridesFromArgs(args: string[]): {
  overrides: Overrides
  printConfig: boolean
  help: boolean
} {
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
