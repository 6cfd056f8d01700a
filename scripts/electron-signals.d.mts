// Types for scripts/electron-signals.mjs.
export declare function signalPlan(
  platform: NodeJS.Platform,
): Array<{ signal: NodeJS.Signals; forward: boolean }>
export declare function relayQuitSignals(
  proc: { on(signal: NodeJS.Signals, listener: () => void): unknown },
  child: {
    exitCode: number | null
    signalCode: NodeJS.Signals | null
    kill(signal: NodeJS.Signals): boolean
  },
  platform?: NodeJS.Platform,
): void
export declare function childStdio(platform: NodeJS.Platform): {
  stdin: 'pipe' | 'inherit'
  env: Record<string, string>
}
