/**
 * The route table: every screen, and every job, has a URL (Headlamp's routes-by-name). Hash
 * history in the app so `app://` and the served page both work; memory history in tests. Screens
 * link with `<Link to=… params=…>` from this table, never by concatenating paths.
 */
import {
  createHashHistory,
  createRootRoute,
  createRoute,
  createRouter,
  type RouterHistory,
} from '@tanstack/react-router'
import { Layout } from './layout'
import { OverviewScreen } from '../screens/overview/overview-screen'
import { ComputeBackendScreen } from '../screens/compute-backend/compute-backend-screen'
import { EnvironmentRoute } from '../screens/compute-backend/environment-page'
import { AssetsScreen, PublishScreen } from '../screens/assets/assets-screen'
import { AssetRoute } from '../screens/assets/asset-page/asset-page'
import { JobsScreen, validateJobsSearch } from '../screens/jobs/jobs-screen'
import { JobRoute } from '../screens/jobs/job-route'
import { SettingsScreen } from '../screens/settings/settings-screen'
import { InboxScreen } from '../screens/inbox/inbox-screen'
import { ReviewScreen } from '../screens/review/review-screen'
import { AuditScreen } from '../screens/audit/audit-screen'
import { DatasetPoliciesRoute, PoliciesRoute } from '../screens/policies/policies-screen'

const rootRoute = createRootRoute({ component: Layout })

const overviewRoute = createRoute({ getParentRoute: () => rootRoute, path: '/', component: OverviewScreen })
const computeBackendRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/compute-backend',
  component: ComputeBackendScreen,
})
export const environmentRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/compute-backend/environments/$envId',
  component: EnvironmentRoute,
})
const assetsRoute = createRoute({ getParentRoute: () => rootRoute, path: '/assets', component: AssetsScreen })
const publishRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/assets/new',
  component: PublishScreen,
})
export const assetRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/assets/$did',
  component: AssetRoute,
})
const jobsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/jobs',
  component: JobsScreen,
  // status, q, tab, sort and dir: "#/jobs?status=failed&sort=duration" deep-links a view and survives reload.
  validateSearch: validateJobsSearch,
})
export const jobRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/jobs/$jobId',
  component: JobRoute,
})
const settingsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/settings',
  component: SettingsScreen,
})
// Publisher control (issue 12).
const inboxRoute = createRoute({ getParentRoute: () => rootRoute, path: '/inbox', component: InboxScreen })
const reviewRoute = createRoute({ getParentRoute: () => rootRoute, path: '/review', component: ReviewScreen })
const auditRoute = createRoute({ getParentRoute: () => rootRoute, path: '/audit', component: AuditScreen })
const policiesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/policies',
  component: PoliciesRoute,
})
export const datasetPoliciesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/policies/$did',
  component: DatasetPoliciesRoute,
})

const routeTree = rootRoute.addChildren([
  overviewRoute,
  computeBackendRoute,
  environmentRoute,
  assetsRoute,
  publishRoute,
  assetRoute,
  jobsRoute,
  jobRoute,
  settingsRoute,
  inboxRoute,
  reviewRoute,
  auditRoute,
  policiesRoute,
  datasetPoliciesRoute,
])

export function createAppRouter(history: RouterHistory = createHashHistory()) {
  return createRouter({ routeTree, history, defaultPreload: false })
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>
  }
}

/** The main navigation, in order: label and path. */
export const NAV_ITEMS = [
  { label: 'Overview', to: '/' },
  { label: 'Compute backend', to: '/compute-backend' },
  { label: 'Assets', to: '/assets' },
  { label: 'Jobs', to: '/jobs' },
  { label: 'Inbox', to: '/inbox' },
  { label: 'Review', to: '/review' },
  { label: 'Policies', to: '/policies' },
  { label: 'Audit', to: '/audit' },
  { label: 'Settings', to: '/settings' },
] as const
