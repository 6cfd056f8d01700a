// One of a job's logs on its page, windowed: the counts and the pages of lines near the viewport
// come from server-state/job-log.ts (the engine's line index), search runs on the engine and
// jumps to each match; the whole log stays on disk.
import { useCallback, useEffect, useMemo, useState } from 'react'
import { useDebouncedValue } from '@mantine/hooks'
import { isTerminalStatus, type JobLogKind, type JobSummary } from '../../../engine/console-api/contract'
import { useJobLogInfo, useJobLogLines, useJobLogSearch } from '../../server-state/job-log'
import { LogViewer } from '../../components/log-viewer/log-viewer'

export function JobLogPanel({ job, log, label }: { job: JobSummary; log: JobLogKind; label: string }) {
  const info = useJobLogInfo(job.jobId, log, job.status)
  const isLive = log === 'algorithm' && !isTerminalStatus(job.status)
  const [range, setRange] = useState<[number, number]>([0, 100])
  const onRangeChange = useCallback(
    (first: number, last: number) => setRange((r) => (r[0] === first && r[1] === last ? r : [first, last])),
    [],
  )
  const { lineAt, timeAt } = useJobLogLines(job.jobId, log, info.data, range[0], range[1])
  const [value, setValue] = useState('')
  const [needle] = useDebouncedValue(value.trim(), 150)
  const search = useJobLogSearch(job.jobId, log, needle)
  const matchLines = useMemo(
    () => (needle ? (search.data?.pages.flatMap((p) => p.matches.map((m) => m.line)) ?? []) : null),
    [needle, search.data],
  )
  const [current, setCurrent] = useState<number | null>(null)
  const [wantsNext, setWantsNext] = useState(false)
  useEffect(() => setCurrent(null), [needle])
  // The first match is shown as soon as it is found; a Next past the batch waits for the next one.
  useEffect(() => {
    if (!matchLines || matchLines.length === 0) return
    if (current === null) setCurrent(0)
    else if (wantsNext && current + 1 < matchLines.length) {
      setWantsNext(false)
      setCurrent(current + 1)
    }
  }, [matchLines, current, wantsNext])
  const count = matchLines?.length ?? 0
  const onNext = () => {
    if (count === 0 && !search.hasNextPage) return
    if (current !== null && current + 1 < count) setCurrent(current + 1)
    else if (search.hasNextPage) {
      setWantsNext(true)
      void search.fetchNextPage()
    } else setCurrent(0)
  }
  const onPrevious = () => {
    if (count === 0) return
    setCurrent(current !== null && current > 0 ? current - 1 : count - 1)
  }
  return (
    <LogViewer
      label={label}
      lineCount={info.data?.lineCount ?? 0}
      lineAt={lineAt}
      timeAt={timeAt}
      hasTimes={info.data?.hasTimes ?? false}
      onRangeChange={onRangeChange}
      isLive={isLive}
      search={{
        value,
        onChange: setValue,
        matchLines,
        hasMore: !!search.hasNextPage,
        isSearching: search.isFetching,
        current,
        onNext,
        onPrevious,
      }}
      emptyText={
        info.isPending
          ? 'Loading…'
          : info.isError
            ? 'Could not read this log.'
            : isLive
              ? 'No output yet. Lines appear here as the algorithm writes them.'
              : 'This log is empty.'
      }
    />
  )
}
