// The live job table: TanStack Table for sortable columns, virtual rows
// (@tanstack/react-virtual) so thousands of jobs stay smooth. Role-based ARIA table markup, since
// virtual rows are absolutely positioned.
import { useEffect, useMemo, useRef } from 'react'
import { Anchor, Text, UnstyledButton } from '@mantine/core'
import { Link } from '@tanstack/react-router'
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
  type SortingState,
} from '@tanstack/react-table'
import { elementScroll, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual'
import type { JobSort, JobSummary } from '../../../engine/console-api/contract'
import { StatusBadge, statusLabel } from '../../components/status-badge'
import { AddressLabel, shortenValue } from '../../components/labels/address-label'
import { DateLabel } from '../../components/labels/date-label'
import { DurationLabel } from '../../components/labels/duration-label'
import { jobDurationMs } from './job-duration'
import { CopyValueButton } from '../../components/copy-value-button'
import { useAssets } from '../../server-state/assets'

const ROW_HEIGHT_PX = 40
/** The scrolling body's fixed height: the virtualizer's first window, before anything is measured. */
const BODY_HEIGHT_PX = 480

/**
 * The body's size from a ResizeObserver only. The library's default also reads clientWidth and
 * clientHeight as the table mounts, which forces a layout of the whole page in the middle of
 * React's commit (about 20 ms at the Jobs screen's first paint, the largest single cost of the
 * first row). The body's height is fixed (BODY_HEIGHT_PX, the initial rect), and the observer's
 * first report comes with the first layout anyway.
 */
function observeBodyRect(
  instance: Virtualizer<HTMLDivElement, Element>,
  report: (rect: { width: number; height: number }) => void,
): (() => void) | undefined {
  const element = instance.scrollElement
  if (!element || typeof ResizeObserver === 'undefined') return undefined
  const observer = new ResizeObserver(([entry]) => {
    if (entry)
      report({ width: Math.round(entry.contentRect.width), height: Math.round(entry.contentRect.height) })
  })
  observer.observe(element, { box: 'content-box' })
  const moved = () => movedBodies.add(element)
  element.addEventListener('scroll', moved, { passive: true, once: true })
  return () => {
    observer.disconnect()
    element.removeEventListener('scroll', moved)
  }
}

/** Bodies scrolled or written to since they mounted (see scrollBody). */
const movedBodies = new WeakSet<Element>()

/**
 * Scroll writes, less the one the library makes as the body mounts: it writes its initial offset
 * (0) to a body that was just created at 0, and any scroll write forces a layout mid-commit (about
 * 15 ms at first paint). Once the body has scrolled or been written to, every write goes through.
 */
function scrollBody(
  offset: number,
  options: { adjustments?: number; behavior?: ScrollBehavior },
  instance: Virtualizer<HTMLDivElement, Element>,
): void {
  const body = instance.scrollElement
  if (body && offset === 0 && !options.adjustments && !movedBodies.has(body)) return
  if (body) movedBodies.add(body)
  elementScroll(offset, options, instance)
}
/** The table column behind each server sort. */
const SORT_COLUMN_ID: Record<JobSort['column'], string> = {
  created: 'createdAtMs',
  status: 'status',
  duration: 'duration',
  assetName: 'dataset',
}

const column = createColumnHelper<JobSummary>()

/** Rows left below the window when the next page is asked for. */
const PREFETCH_ROWS = 40

export function JobTable({
  jobs,
  sort,
  onSortChange,
  onEndReached,
}: {
  /** The pages loaded so far, filtered and sorted by the server; the table only virtualises. */
  jobs: JobSummary[]
  /** The server's sort; the Status, Dataset, Created and Duration headers change it. */
  sort: JobSort
  onSortChange: (sort: JobSort) => void
  /** Scrolled near the last loaded row: load the next page (if there is one). */
  onEndReached?: () => void
}) {
  const sorting: SortingState = [{ id: SORT_COLUMN_ID[sort.column], desc: sort.direction === 'desc' }]
  const columns = useMemo(
    () => [
      column.accessor('jobId', {
        header: 'Job',
        enableSorting: false,
        cell: (c) => (
          // A real link (href "#/jobs/<id>"): middle-click, open in new window and copy link work; Tab
          // and Enter open it like any link.
          <AddressLabel
            value={c.getValue()}
            what="job id"
            dense
            link={(short) => (
              <Anchor
                component={Link}
                to={`/jobs/${encodeURIComponent(c.getValue())}`}
                aria-label={`Open job ${c.getValue()}`}
                ff="monospace"
              >
                {short}
              </Anchor>
            )}
          />
        ),
      }),
      column.accessor((j) => statusLabel(j.status, j.outcome), {
        id: 'status',
        header: 'Status',
        cell: (c) => <StatusBadge status={c.row.original.status} outcome={c.row.original.outcome} />,
      }),
      column.accessor((j) => j.datasets[0]?.did ?? '', {
        id: 'dataset',
        // Sorted by the asset's name on the server (by its DID when this console does not know it).
        header: 'Dataset',
        cell: (c) => (
          <DatasetCell
            did={c.getValue()}
            name={(c.table.options.meta as JobTableMeta | undefined)?.assetNames.get(c.getValue())}
          />
        ),
      }),
      column.accessor('owner', {
        header: 'Consumer',
        enableSorting: false,
        cell: (c) => <AddressLabel value={c.getValue()} what="consumer address" dense />,
      }),
      column.accessor('createdAtMs', {
        header: 'Created',
        cell: (c) => <DateLabel atMs={c.getValue()} dense />,
      }),
      column.accessor(jobDurationMs, {
        id: 'duration',
        header: 'Duration',
        cell: (c) => (
          <span>
            <DurationLabel durationMs={c.getValue()} />
            {c.row.original.finishedAtMs === null && c.getValue() !== null && ' so far'}
          </span>
        ),
      }),
    ],
    // Stable: flexRender mounts each cell function as a component, so new column objects would
    // remount every cell (and drop the focused link).
    [],
  )
  // One asset-list subscription for the table (not one per Dataset cell: each useQuery observer
  // costs at first paint); cells read the names through the table's meta.
  const assets = useAssets()
  const meta = useMemo<JobTableMeta>(
    () => ({ assetNames: new Map((assets.data?.assets ?? []).map((a) => [a.did, a.name])) }),
    [assets.data],
  )
  const table = useReactTable({
    data: jobs,
    columns,
    meta,
    state: { sorting },
    // The server sorts all jobs (keyset pages from an index); sorting loaded pages here would be wrong.
    manualSorting: true,
    enableSortingRemoval: false,
    sortDescFirst: true,
    onSortingChange: (updater) => {
      const next = (typeof updater === 'function' ? updater(sorting) : updater)[0]
      const column =
        next &&
        (Object.keys(SORT_COLUMN_ID) as JobSort['column'][]).find((c) => SORT_COLUMN_ID[c] === next.id)
      if (next && column) onSortChange({ column, direction: next.desc ? 'desc' : 'asc' })
    },
    getCoreRowModel: getCoreRowModel(),
    getRowId: (j) => j.jobId,
  })
  const rows = table.getRowModel().rows
  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT_PX,
    // Rows are a fixed height (no measureElement): a few beyond the viewport are enough, and each
    // one costs at first paint.
    overscan: 2,
    initialRect: { width: 800, height: BODY_HEIGHT_PX },
    observeElementRect: observeBodyRect,
    scrollToFn: scrollBody,
  })
  const items = virtualizer.getVirtualItems()
  const lastShown = items.at(-1)?.index ?? -1
  useEffect(() => {
    if (onEndReached && rows.length > 0 && lastShown >= rows.length - PREFETCH_ROWS) onEndReached()
  }, [lastShown, rows.length, onEndReached])
  return (
    <div role="table" aria-label="Jobs" aria-rowcount={rows.length + 1} className="job-table">
      <div role="rowgroup">
        {table.getHeaderGroups().map((group) => (
          <div role="row" className="job-row header" key={group.id}>
            {group.headers.map((header) => {
              const sorted = header.column.getIsSorted()
              return (
                <span
                  role="columnheader"
                  key={header.id}
                  aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                >
                  {header.column.getCanSort() ? (
                    <UnstyledButton onClick={header.column.getToggleSortingHandler()} fw={600}>
                      {flexRender(header.column.columnDef.header, header.getContext())}
                      {sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}
                    </UnstyledButton>
                  ) : (
                    <Text span fw={600} size="sm">
                      {flexRender(header.column.columnDef.header, header.getContext())}
                    </Text>
                  )}
                </span>
              )
            })}
          </div>
        ))}
      </div>
      <div ref={scrollRef} role="rowgroup" style={{ height: BODY_HEIGHT_PX, overflow: 'auto' }}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rows[item.index]!
            return (
              <div
                role="row"
                aria-rowindex={item.index + 2}
                key={row.id}
                className="job-row"
                style={{
                  position: 'absolute',
                  top: 0,
                  transform: `translateY(${item.start}px)`,
                  height: ROW_HEIGHT_PX,
                  width: '100%',
                }}
              >
                {row.getVisibleCells().map((cell) => (
                  <span role="cell" key={cell.id}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </span>
                ))}
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}

interface JobTableMeta {
  /** Asset names by DID, from the asset list (empty while it loads). */
  assetNames: ReadonlyMap<string, string>
}

/** The asset's name (from the asset list) with its DID on hover and a copy button; the DID while names load. */
function DatasetCell({ did, name }: { did: string; name: string | undefined }) {
  if (!did) return <span>—</span>
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: 4, minWidth: 0 }}>
      <span title={did} style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
        {name ?? shortenValue(did)}
      </span>
      <CopyValueButton
        value={did}
        variant="subtle"
        label={`Copy DID ${did}`}
        copiedLabel="Copied DID"
        dense
      />
    </span>
  )
}
