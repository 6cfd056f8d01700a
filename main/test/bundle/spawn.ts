/**
 * Starts run-on-stand-in.ts in a fresh Node process (so "since process start" is real) and returns
 * its report and exit code. The stand-in's appData is `appData`; the app's userData is given with
 * `--user-data-dir`, as `npm start -- --user-data-dir=…` would.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import type { RunReport } from './run-on-stand-in'

export async function runOnStandIn(
  script: string,
  options: { appData: string; userData: string; waitForConsole: boolean },
): Promise<{ report: RunReport | null; exitCode: number | null; output: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'run-on-stand-in.ts'),
      script,
      ...(options.waitForConsole ? ['--console'] : []),
      `--user-data-dir=${options.userData}`,
    ],
    {
      cwd: join(import.meta.dirname, '..', '..', '..'),
      env: { ...process.env, C2D_STAND_IN_APPDATA: options.appData },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exitCode = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  const line = stdout.split('\n').find((l) => l.startsWith('{'))
  return { report: line ? (JSON.parse(line) as RunReport) : null, exitCode, output: `${stdout}\n${stderr}` }
}
