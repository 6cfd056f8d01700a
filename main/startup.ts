/**
 * The "starting" window's model: the engine's start steps (startCore's onProgress) as the user sees
 * them, and a fatal failure with what to do about it. Pushed to the window over IPC
 * (STARTUP_CHANNEL) and read once on page load (STARTUP_STATE_CHANNEL), so a page that loads after
 * a step finished still shows it.
 */
import type { StartProgress, StartStep } from '../engine/index'

export const STARTUP_CHANNEL = 'c2d:startup'
export const STARTUP_STATE_CHANNEL = 'c2d:startup-state'

export type StepState = 'pending' | StartProgress['state']

export interface StartupStep {
  step: StartStep
  label: string
  state: StepState
  /** The step's error (a failed chain is not fatal: the console starts without it). */
  message?: string
}

export interface StartupState {
  phase: 'starting' | 'ready' | 'failed'
  steps: StartupStep[]
  /** phase 'failed': what went wrong and how to fix it. */
  failure?: { title: string; message: string; fix: string }
}

export const STEP_LABELS: Record<StartStep, string> = {
  store: 'Open the job store',
  chain: 'Start the chain',
  driver: 'Prepare the compute backend',
  jobs: 'Resume jobs',
  provider: 'Start the Provider endpoint',
  samples: 'Publish the dev-chain samples',
  console: 'Start the console API',
}

export function initialStartupState(): StartupState {
  return {
    phase: 'starting',
    steps: (Object.keys(STEP_LABELS) as StartStep[]).map((step) => ({
      step,
      label: STEP_LABELS[step],
      state: 'pending',
    })),
  }
}

export function applyProgress(state: StartupState, progress: StartProgress): StartupState {
  return {
    ...state,
    steps: state.steps.map((s) =>
      s.step === progress.step
        ? {
            step: s.step,
            label: s.label,
            state: progress.state,
            ...(progress.error ? { message: progress.error.message } : {}),
          }
        : s,
    ),
  }
}

/** What the user can do about a start failure; '' when the message already says it. */
export function startFailureFix(error: unknown, dirs: { userData: string; logs: string }): string {
  const message = error instanceof Error ? error.message : String(error)
  const code = (error as { code?: unknown } | null)?.code
  if (code === 'EADDRINUSE' || /EADDRINUSE|address already in use/i.test(message))
    return `Another program uses that port (often a second copy of the console, or an Ocean Node). Stop it, or set another provider.port in ${dirs.userData}/config.json, then start again.`
  if ((error as { name?: unknown } | null)?.name === 'ConfigError' || /Invalid configuration/.test(message))
    return `Correct the fields named above in ${dirs.userData}/config.json (or delete the file to use the defaults), then start again.`
  if (/NODE_MODULE_VERSION|better_sqlite3|was compiled against a different Node\.js version/.test(message))
    return 'A native module was built for another runtime. From a checkout: delete node_modules/.electron-native and run npm start again; a packaged app: reinstall it.'
  if (/\bFix:/.test(message)) return ''
  return `The log is in ${dirs.logs}. Quit, fix the cause, and start again.`
}
