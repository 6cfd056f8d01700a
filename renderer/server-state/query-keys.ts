// One factory for every react-query key (Headlamp's query-option factories): structured, so live
// events can find the lists and details they touch.
import type { JobFilterInput } from '../../engine/console-api/contract'

export const queryKeys = {
  overview: () => ['overview'] as const,
  jobs: {
    all: () => ['jobs'] as const,
    lists: () => ['jobs', 'list'] as const,
    list: (filters: JobFilterInput) => ['jobs', 'list', filters] as const,
    /** The Jobs screen's paged list (infinite query); key[2] is still the filters. */
    pages: (filters: JobFilterInput) => ['jobs', 'list', filters, 'pages'] as const,
    detail: (jobId: string) => ['jobs', 'detail', jobId] as const,
    log: (jobId: string, log: string = 'algorithm') => ['jobs', 'log', jobId, log] as const,
  },
  environments: () => ['environments'] as const,
  backend: () => ['backend'] as const,
  health: () => ['health'] as const,
  assets: (kind?: string) => ['assets', kind ?? 'all'] as const,
  /** One asset's datatoken prices on chain (under 'assets', so a list refresh re-reads them too). */
  assetPrices: (did: string) => ['assets', 'prices', did] as const,
  /** The checksums publishing would pin for a trusted algorithm (under 'assets': a republish re-reads them). */
  trustedAlgorithmChecksums: (did: string) => ['assets', 'trusted-checksums', did] as const,
  /** Publishes that stopped before going live (under 'assets': a publish or resume re-reads them). */
  unfinishedPublishes: () => ['assets', 'unfinished'] as const,
  /** The publish wizard's test fetch of one file source (its JSON). */
  fileCheck: (source: string) => ['file-check', source] as const,
  settings: () => ['settings'] as const,
  notificationSettings: () => ['settings', 'notifications'] as const,
  wallet: () => ['wallet'] as const,
  balances: () => ['wallet', 'balances'] as const,
  /** Under balances(): what refreshes the balances refreshes every chain's too. */
  chainBalances: () => ['wallet', 'balances', 'chains'] as const,
  publishProgress: () => ['publish-progress'] as const,
  providerRequests: () => ['provider-requests'] as const,
  // Publisher control (issue 12).
  accessRequests: (status?: string) => ['access-requests', status ?? 'all'] as const,
  datasetAccessRequests: (did: string) => ['access-requests', 'dataset', did] as const,
  accessRequest: (id: string) => ['access-requests', 'detail', id] as const,
  environmentQuotas: () => ['environment-quotas'] as const,
  reviews: () => ['reviews'] as const,
  review: (jobId: string) => ['reviews', 'detail', jobId] as const,
  audit: (filter: Record<string, unknown>) => ['audit', filter] as const,
  datasetPolicy: (did: string) => ['dataset-policy', did] as const,
  network: () => ['network'] as const,
  earnings: {
    all: () => ['earnings'] as const,
    period: (period: string) => ['earnings', period] as const,
  },
  reachability: () => ['network', 'reachability'] as const,
}
