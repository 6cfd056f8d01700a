// A windowed log viewer for long, growing logs: it is told how many lines there are and asks for
// the ones around the viewport (`lineAt`, `onRangeChange`), so a 51 MB log is never in memory;
// virtual rows (only the visible lines are in the DOM), live follow (auto-scroll; scrolling up
// pauses it), search with jump to match (the caller searches, e.g. on the engine), wrap, line
// numbers and the time each line was received (for logs with recorded times). Mantine ScrollArea
// + @tanstack/react-virtual: no well-kept log-viewer package is installed (see README, Jobs). The
// wrap and timestamps switches are UI state (ui-state/ui-store.ts), kept across reloads.
import { memo, useEffect, useRef, useState } from 'react'
import { Badge, Button, Group, Paper, ScrollArea, Switch, Text, TextInput, Tooltip } from '@mantine/core'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useUiStore } from '../../ui-state/ui-store'
import { DateLabel } from '../labels/date-label'
import './log-viewer.css'

const LINE_HEIGHT_PX = 20
/** Within this distance of the bottom counts as "at the end" (follow stays on). */
const AT_END_PX = 24
const OVERSCAN_LINES = 40

export interface LogSearchState {
  value: string
  onChange: (value: string) => void
  /** null: no search; else the matching lines found so far (in file order). */
  matchLines: readonly number[] | null
  /** More matches exist beyond matchLines. */
  hasMore: boolean
  isSearching: boolean
  /** Index into matchLines of the match shown, or null. */
  current: number | null
  onNext: () => void
  onPrevious: () => void
}

export interface LogViewerProps {
  /** The accessible name of the log region, e.g. "Algorithm log". */
  label: string
  lineCount: number
  /** A line's text once read; undefined while it is being read. */
  lineAt: (line: number) => string | undefined
  /** When a line was received (epoch ms); null/undefined = no time for it (or not read yet). */
  timeAt?: (line: number) => number | null | undefined
  /** The log has recorded times: the Timestamps switch is offered (else disabled, saying why). */
  hasTimes?: boolean
  /** The lines the viewport (plus overscan) covers now. */
  onRangeChange: (firstLine: number, lastLine: number) => void
  /** More text may come: offer Follow (on by default). */
  isLive: boolean
  /** Shown when there is no line. */
  emptyText: string
  search: LogSearchState
  heightPx?: number
}

export function LogViewer({
  label,
  lineCount,
  lineAt,
  timeAt,
  hasTimes = false,
  onRangeChange,
  isLive,
  emptyText,
  search,
  heightPx = 360,
}: LogViewerProps) {
  const [follow, setFollow] = useState(true)
  const wrap = useUiStore((s) => s.logWrap)
  const setWrap = useUiStore((s) => s.setLogWrap)
  const timestamps = useUiStore((s) => s.logTimestamps)
  const setTimestamps = useUiStore((s) => s.setLogTimestamps)
  const showTimes = timestamps && hasTimes
  const viewport = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: lineCount,
    getScrollElement: () => viewport.current,
    estimateSize: () => LINE_HEIGHT_PX,
    overscan: OVERSCAN_LINES,
    initialRect: { width: 800, height: heightPx },
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? Math.min(lineCount - 1, OVERSCAN_LINES)
  useEffect(() => onRangeChange(first, last), [first, last, onRangeChange])
  const following = isLive && follow
  useEffect(() => {
    if (following && lineCount > 0) virtualizer.scrollToIndex(lineCount - 1, { align: 'end' })
  }, [following, lineCount, virtualizer])
  const currentLine =
    search.current !== null && search.matchLines ? (search.matchLines[search.current] ?? null) : null
  useEffect(() => {
    if (currentLine === null) return
    setFollow(false) // a match was asked for: stay on it
    virtualizer.scrollToIndex(currentLine, { align: 'center' })
  }, [currentLine, virtualizer])
  const onScroll = () => {
    const el = viewport.current
    if (!el || !isLive) return
    const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight <= AT_END_PX
    if (!atEnd && follow) setFollow(false)
  }
  const matches = search.matchLines
  return (
    <Paper withBorder p="xs">
      <Group justify="space-between" mb="xs" gap="sm">
        <Group gap="xs" align="flex-end">
          <TextInput
            size="xs"
            label={`Search the ${label.toLowerCase()}`}
            value={search.value}
            onChange={(e) => search.onChange(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return
              e.preventDefault()
              if (e.shiftKey) search.onPrevious()
              else search.onNext()
            }}
            w={240}
          />
          {matches && (
            <>
              <Button size="xs" variant="default" onClick={search.onPrevious} disabled={matches.length === 0}>
                Previous match
              </Button>
              <Button
                size="xs"
                variant="default"
                onClick={search.onNext}
                disabled={matches.length === 0 && !search.hasMore}
              >
                Next match
              </Button>
            </>
          )}
        </Group>
        <Group gap="md">
          {matches && (
            <Badge variant="light" aria-live="polite">
              {search.isSearching && matches.length === 0
                ? 'Searching…'
                : `${search.current !== null ? `${search.current + 1} of ` : ''}${matches.length}${search.hasMore ? '+' : ''} matching ${matches.length === 1 && !search.hasMore ? 'line' : 'lines'}`}
            </Badge>
          )}
          <Switch label="Wrap lines" checked={wrap} onChange={(e) => setWrap(e.currentTarget.checked)} />
          {hasTimes ? (
            <Switch
              label="Timestamps"
              checked={timestamps}
              onChange={(e) => setTimestamps(e.currentTarget.checked)}
            />
          ) : (
            <Tooltip label={NO_TIMES_REASON} multiline w={260}>
              {/* A disabled input gets no pointer events: the tooltip hangs on its wrapper. */}
              <span>
                <Switch label="Timestamps" checked={false} disabled aria-description={NO_TIMES_REASON} />
              </span>
            </Tooltip>
          )}
          {isLive && (
            <Switch
              label="Follow new lines"
              checked={follow}
              onChange={(e) => setFollow(e.currentTarget.checked)}
            />
          )}
        </Group>
      </Group>
      <ScrollArea
        h={heightPx}
        viewportRef={viewport}
        onScrollPositionChange={onScroll}
        viewportProps={{ role: 'log', 'aria-label': label, tabIndex: 0 } as React.ComponentProps<'div'>}
        className="log-viewer"
      >
        {lineCount === 0 ? (
          <Text c="dimmed" p="xs" ff="monospace" size="sm">
            {emptyText}
          </Text>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth: '100%' }}>
            {items.map((item) => (
              <LogRow
                key={item.key}
                index={item.index}
                start={item.start}
                text={lineAt(item.index)}
                time={showTimes ? (timeAt?.(item.index) ?? null) : undefined}
                isCurrent={item.index === currentLine}
                wrap={wrap}
                measure={wrap ? virtualizer.measureElement : undefined}
              />
            ))}
          </div>
        )}
      </ScrollArea>
    </Paper>
  )
}

const NO_TIMES_REASON =
  'This log has no recorded times: it was written before the console kept them, or by a step that does not record them.'

/**
 * One line. Memoised on its own values: while following, a new line re-renders only the rows that
 * changed (not the whole window).
 */
const LogRow = memo(function LogRow({
  index,
  start,
  text,
  time,
  isCurrent,
  wrap,
  measure,
}: {
  index: number
  start: number
  text: string | undefined
  /** undefined: times not shown; null: shown, but this line has none. */
  time: number | null | undefined
  isCurrent: boolean
  wrap: boolean
  measure: ((el: HTMLElement | null) => void) | undefined
}) {
  return (
    <div
      data-index={index}
      ref={measure}
      className={isCurrent ? 'log-line log-line-match' : 'log-line'}
      aria-current={isCurrent ? 'true' : undefined}
      style={{
        position: 'absolute',
        top: 0,
        left: 0,
        transform: `translateY(${start}px)`,
        minHeight: LINE_HEIGHT_PX,
        whiteSpace: wrap ? 'pre-wrap' : 'pre',
        wordBreak: wrap ? 'break-all' : undefined,
        width: wrap ? '100%' : undefined,
      }}
    >
      <span className="log-line-number" aria-hidden="true">
        {index + 1}
      </span>
      {time !== undefined && (
        <span className="log-line-time">{time === null ? '' : <DateLabel atMs={time} dense />}</span>
      )}
      {text ?? <span className="log-line-pending">…</span>}
    </div>
  )
})
