/**
 * UI-only state (zustand): what the server does not know — the current screen, job filters, the
 * selected job, theme. Server data lives in react-query, never here.
 */
import { create } from 'zustand'
import type { JobStatus } from '../../engine/console-api/contract'

export const Screen = {
  Overview: 'overview',
  ComputeBackend: 'compute-backend',
  Assets: 'assets',
  Jobs: 'jobs',
  Settings: 'settings',
} as const
export type Screen = (typeof Screen)[keyof typeof Screen]
export type Theme = 'light' | 'dark'
export type StatusFilter = 'all' | 'running' | 'queued' | 'finished'

export const STATUS_FILTER_CODES: Record<StatusFilter, JobStatus[] | undefined> = {
  all: undefined,
  running: [0, 10, 12, 20, 30, 40, 50, 60, 71],
  queued: [1],
  finished: [70],
}

export interface UiState {
  screen: Screen
  theme: Theme
  jobFilters: { status: StatusFilter; asset: string; consumer: string }
  selectedJobId: string | null
  go(screen: Screen): void
  setTheme(theme: Theme): void
  setJobFilters(patch: Partial<UiState['jobFilters']>): void
  selectJob(jobId: string | null): void
}

export const createUiStore = () =>
  create<UiState>((set) => ({
    screen: 'overview',
    theme:
      typeof window !== 'undefined' && window.matchMedia?.('(prefers-color-scheme: dark)').matches
        ? 'dark'
        : 'light',
    jobFilters: { status: 'all', asset: '', consumer: '' },
    selectedJobId: null,
    go: (screen) => set({ screen }),
    setTheme: (theme) => set({ theme }),
    setJobFilters: (patch) => set((s) => ({ jobFilters: { ...s.jobFilters, ...patch } })),
    selectJob: (selectedJobId) => set({ selectedJobId, screen: 'jobs' }),
  }))

export const useUiStore = createUiStore()
