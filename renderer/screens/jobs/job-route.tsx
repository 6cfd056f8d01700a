// The /jobs/$jobId route: one job's page, reachable by deep link, Back and reload.
import { useNavigate, useParams } from '@tanstack/react-router'
import { JobPage } from './job-page'

export function JobRoute() {
  const { jobId } = useParams({ from: '/jobs/$jobId' })
  const navigate = useNavigate()
  return <JobPage jobId={jobId} onBack={() => void navigate({ to: '/jobs' })} />
}
