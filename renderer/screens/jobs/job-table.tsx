// The live job table, virtualised (@tanstack/react-virtual) so thousands of rows stay smooth.
import { useRef } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { JobSummary } from '../../../engine/console-api/contract'
import { StatusBadge } from '../../components/status-badge'
import { formatTime, shortId } from '../../components/format'

const ROW_HEIGHT_PX = 36

export function JobTable({ jobs, onOpen }: { jobs: JobSummary[]; onOpen: (jobId: string) => void }) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: jobs.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT_PX,
    overscan: 10,
    initialRect: { width: 800, height: 600 },
  })
  return (
    <div role="table" aria-label="Jobs" aria-rowcount={jobs.length + 1} className="job-table">
      <div role="rowgroup">
        <div role="row" className="job-row header">
          <span role="columnheader">Job</span>
          <span role="columnheader">Status</span>
          <span role="columnheader">Dataset</span>
          <span role="columnheader">Consumer</span>
          <span role="columnheader">Created</span>
        </div>
      </div>
      <div ref={scrollRef} role="rowgroup" style={{ height: 480, overflow: 'auto' }}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const job = jobs[item.index]!
            return (
              <div
                role="row"
                aria-rowindex={item.index + 2}
                key={job.jobId}
                className="job-row"
                style={{
                  position: 'absolute',
                  top: 0,
                  transform: `translateY(${item.start}px)`,
                  height: ROW_HEIGHT_PX,
                  width: '100%',
                }}
              >
                <span role="cell">
                  <button
                    type="button"
                    onClick={() => onOpen(job.jobId)}
                    aria-label={`Open job ${job.jobId}`}
                  >
                    {shortId(job.jobId)}
                  </button>
                </span>
                <span role="cell">
                  <StatusBadge status={job.status} outcome={job.outcome} />
                </span>
                <span role="cell">{shortId(job.datasets[0]?.did ?? '—')}</span>
                <span role="cell">{shortId(job.owner)}</span>
                <span role="cell">{formatTime(job.createdAtMs)}</span>
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}
