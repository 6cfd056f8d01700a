// Earnings: what jobs earned per asset and period (escrow, plus datatoken orders; totals per period) (UTC month, week or day), claimed from
// escrow and still locked, in token units with the token's symbol. Summed by the engine
// (getEarnings), so the view costs the same at 100,000 jobs.
import { useState } from 'react'
import { SegmentedControl, Stack, Table, Text } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { useConsoleClient } from '../../console-client/console-client-context'
import { useAssets } from '../../server-state/assets'
import { queryKeys } from '../../server-state/query-keys'
import { OnChainTokenAmount } from '../../components/labels/on-chain-token-amount'
import { ErrorMessage } from '../../components/error-message'
import { EmptyState } from '../../components/empty-state'
import { AddressLabel } from '../../components/labels/address-label'

type Period = 'month' | 'week' | 'day'
const PERIOD_FORMAT: Record<Period, Intl.DateTimeFormatOptions> = {
  month: { year: 'numeric', month: 'long', timeZone: 'UTC' },
  week: { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' },
  day: { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' },
}

function Amount({ wei, token }: { wei: string; token: string | null }) {
  // A row of free jobs (orders only) has no payment token.
  if (token === null) return <>—</>
  return <OnChainTokenAmount wei={wei} token={token} />
}
const jobsWord = (n: number) => `${n} ${n === 1 ? 'job' : 'jobs'}`

export function EarningsView() {
  const client = useConsoleClient()
  const [period, setPeriod] = useState<Period>('month')
  const earnings = useQuery({
    queryKey: queryKeys.earnings.period(period),
    queryFn: () => client.getEarnings({ period }),
  })
  const assets = useAssets()
  const names = new Map((assets.data?.assets ?? []).map((a) => [a.did, a.name]))
  const label = (startMs: number) =>
    (period === 'week' ? 'Week of ' : '') +
    new Intl.DateTimeFormat(undefined, PERIOD_FORMAT[period]).format(startMs)
  return (
    <Stack gap="sm">
      <div role="group" aria-labelledby="earnings-period-label">
        <Text id="earnings-period-label" size="sm" fw={500} mb={4}>
          Period
        </Text>
        <SegmentedControl
          value={period}
          onChange={(v) => setPeriod(v as Period)}
          data={[
            { value: 'month', label: 'Month' },
            { value: 'week', label: 'Week' },
            { value: 'day', label: 'Day' },
          ]}
        />
      </div>
      {earnings.isPending && <p role="status">Adding up earnings…</p>}
      {earnings.isError && <ErrorMessage title="Could not add up earnings" error={earnings.error} />}
      {earnings.data && earnings.data.rows.length === 0 && (
        <EmptyState title="No earnings yet">
          <p>Paid jobs appear here once a consumer pays for compute; free-tier jobs earn nothing.</p>
        </EmptyState>
      )}
      {earnings.data && earnings.data.rows.length > 0 && (
        <Table withTableBorder aria-label="Earnings per asset and period">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Period</Table.Th>
              <Table.Th>Asset</Table.Th>
              <Table.Th>Claimed</Table.Th>
              <Table.Th>Locked in escrow</Table.Th>
              <Table.Th>Datatoken orders</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {earnings.data.rows.map((r) => (
              <Table.Tr key={`${r.periodStartMs}-${r.datasetDid}-${r.token}`}>
                <Table.Td>{label(r.periodStartMs)}</Table.Td>
                <Table.Td>
                  {names.get(r.datasetDid) ?? <AddressLabel value={r.datasetDid} what="asset DID" />}
                  {r.token === null && (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      (free jobs)
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Amount wei={r.claimedWei} token={r.token} /> ({jobsWord(r.claimedJobs)})
                </Table.Td>
                <Table.Td>
                  <Amount wei={r.lockedWei} token={r.token} /> ({jobsWord(r.lockedJobs)})
                </Table.Td>
                <Table.Td>{r.orders}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
          <Table.Tfoot>
            {earnings.data.totals.map((t) => (
              <Table.Tr key={`total-${t.periodStartMs}-${t.token}`} data-total>
                <Table.Th scope="row">Total, {label(t.periodStartMs)}</Table.Th>
                <Table.Td>{t.token === null ? 'Free jobs' : 'All assets'}</Table.Td>
                <Table.Td>
                  <Amount wei={t.claimedWei} token={t.token} /> ({jobsWord(t.claimedJobs)})
                </Table.Td>
                <Table.Td>
                  <Amount wei={t.lockedWei} token={t.token} /> ({jobsWord(t.lockedJobs)})
                </Table.Td>
                <Table.Td>{t.orders}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tfoot>
        </Table>
      )}
    </Stack>
  )
}
