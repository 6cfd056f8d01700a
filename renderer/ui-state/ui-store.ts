/**
 * UI-only state (zustand): what the server does not know and the URL does not hold — whether the
 * first-run checklist was dismissed, and the log viewer's wrap and timestamps switches (persisted
 * in localStorage, kept across reloads). The current
 * screen, job, and the Jobs list's status filter, search and tab live in the route
 * (app-shell/routes.tsx, validateJobsSearch); the colour scheme in
 * Mantine's manager (app-shell/theme.ts). Server data lives in react-query, never here.
 */
import { create } from 'zustand'
import { persist } from 'zustand/middleware'
import type { JobStatus } from '../../engine/console-api/contract'

export const STATUS_FILTERS = [
  'all',
  'running',
  'queued',
  'succeeded',
  'failed',
  'stopped',
  'expired',
] as const
export type StatusFilter = (typeof STATUS_FILTERS)[number]

/** Status codes asked of the server per filter; the outcome filters ask for an outcome instead. */
export const STATUS_FILTER_CODES: Record<StatusFilter, JobStatus[] | undefined> = {
  all: undefined,
  running: [0, 10, 12, 20, 30, 40, 50, 60, 71],
  queued: [1],
  succeeded: undefined,
  failed: undefined,
  stopped: undefined,
  expired: undefined,
}

export const STATUS_FILTER_OUTCOME: Partial<
  Record<StatusFilter, 'succeeded' | 'failed' | 'stopped' | 'expired'>
> = {
  succeeded: 'succeeded',
  failed: 'failed',
  stopped: 'stopped',
  expired: 'expired',
}

export interface UiState {
  /** The publisher closed the Overview's first-run checklist before finishing it. */
  firstRunDismissed: boolean
  dismissFirstRun(): void
  /** The log viewer wraps long lines. */
  logWrap: boolean
  setLogWrap(on: boolean): void
  /** The log viewer shows when each line was received (for logs with recorded times). */
  logTimestamps: boolean
  setLogTimestamps(on: boolean): void
}

export const createUiStore = () =>
  create<UiState>()(
    persist(
      (set) => ({
        firstRunDismissed: false,
        dismissFirstRun: () => set({ firstRunDismissed: true }),
        logWrap: false,
        setLogWrap: (on) => set({ logWrap: on }),
        logTimestamps: false,
        setLogTimestamps: (on) => set({ logTimestamps: on }),
      }),
      // The dismissal and the log viewer's switches are kept.
      {
        name: 'c2d-console-ui',
        partialize: (s) => ({
          firstRunDismissed: s.firstRunDismissed,
          logWrap: s.logWrap,
          logTimestamps: s.logTimestamps,
        }),
      },
    ),
  )

export const useUiStore = createUiStore()
