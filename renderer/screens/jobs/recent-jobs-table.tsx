/**
 * A short table of jobs (overview's recent activity, an asset's jobs): each row links to the job
 * page and shows its status and start; the consumer column only where asked for. Cells are dense
 * (full values as native titles, no Mantine Tooltip per cell): thirty floating tooltips were most
 * of the Overview's render cost once its recent jobs arrived.
 */
import { Anchor, Table } from '@mantine/core'
import { Link } from '@tanstack/react-router'
import type { JobSummary } from '../../../engine/console-api/contract'
import { AddressLabel } from '../../components/labels/address-label'
import { DateLabel } from '../../components/labels/date-label'
import { StatusBadge } from '../../components/status-badge'

export interface RecentJobsTableProps {
  jobs: readonly Pick<JobSummary, 'jobId' | 'status' | 'outcome' | 'owner' | 'createdAtMs'>[]
  /** The id of the heading that names the table. */
  labelledBy: string
  showConsumer?: boolean
  highlightOnHover?: boolean
}

export function RecentJobsTable({ jobs, labelledBy, showConsumer, highlightOnHover }: RecentJobsTableProps) {
  return (
    <Table aria-labelledby={labelledBy} striped highlightOnHover={highlightOnHover}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">Job</Table.Th>
          <Table.Th scope="col">Status</Table.Th>
          {showConsumer && <Table.Th scope="col">Consumer</Table.Th>}
          <Table.Th scope="col">Started</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {jobs.map((job) => (
          <Table.Tr key={job.jobId}>
            <Table.Td>
              <AddressLabel
                value={job.jobId}
                what="job id"
                dense
                link={(short) => (
                  <Anchor
                    renderRoot={(props) => (
                      <Link {...props} to="/jobs/$jobId" params={{ jobId: job.jobId }} />
                    )}
                  >
                    Job {short}
                  </Anchor>
                )}
              />
            </Table.Td>
            <Table.Td>
              <StatusBadge status={job.status} outcome={job.outcome} />
            </Table.Td>
            {showConsumer && (
              <Table.Td>
                <AddressLabel value={job.owner} what="consumer address" dense />
              </Table.Td>
            )}
            <Table.Td>
              <DateLabel atMs={job.createdAtMs} dense />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}
