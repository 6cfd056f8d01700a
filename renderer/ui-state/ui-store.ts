/**
 * UI-only state (zustand): what the server does not know and the URL does not hold — job filters,
 * and whether the first-run checklist was dismissed (persisted in localStorage, kept across reloads).
 * The current screen and job live in the route (app-shell/routes.tsx); the colour scheme in
 * Mantine's manager (app-shell/theme.ts). Server data lives in react-query, never here.
 */
import { create } from 'zustand'
import { persist } from 'zustand/middleware'
import type { JobStatus } from '../../engine/console-api/contract'

export type StatusFilter = 'all' | 'running' | 'queued' | 'succeeded' | 'failed' | 'stopped'

/** Status codes asked of the server per filter; the outcome filters ask for an outcome instead. */
export const STATUS_FILTER_CODES: Record<StatusFilter, JobStatus[] | undefined> = {
  all: undefined,
  running: [0, 10, 12, 20, 30, 40, 50, 60, 71],
  queued: [1],
  succeeded: undefined,
  failed: undefined,
  stopped: undefined,
}

export const STATUS_FILTER_OUTCOME: Partial<Record<StatusFilter, 'succeeded' | 'failed' | 'stopped'>> = {
  succeeded: 'succeeded',
  failed: 'failed',
  stopped: 'stopped',
}

export interface UiState {
  jobFilters: { status: StatusFilter; search: string }
  setJobFilters(patch: Partial<UiState['jobFilters']>): void
  /** The publisher closed the Overview's first-run checklist before finishing it. */
  firstRunDismissed: boolean
  dismissFirstRun(): void
}

export const createUiStore = () =>
  create<UiState>()(
    persist(
      (set) => ({
        jobFilters: { status: 'all', search: '' },
        setJobFilters: (patch) => set((s) => ({ jobFilters: { ...s.jobFilters, ...patch } })),
        firstRunDismissed: false,
        dismissFirstRun: () => set({ firstRunDismissed: true }),
      }),
      // Only the dismissal is kept; filters start fresh each session.
      { name: 'c2d-console-ui', partialize: (s) => ({ firstRunDismissed: s.firstRunDismissed }) },
    ),
  )

export const useUiStore = createUiStore()
