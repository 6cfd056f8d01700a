// A log viewer for long, growing logs: virtual rows (only the visible lines are in the DOM), the
// whole text from its first line, live follow (auto-scroll; scrolling up pauses it), search that
// narrows to matching lines, wrap, and line numbers. Mantine ScrollArea + @tanstack/react-virtual:
// no well-kept log-viewer package is installed (see README, Jobs).
import { useEffect, useMemo, useRef, useState } from 'react'
import { Badge, Group, Paper, ScrollArea, Switch, Text, TextInput } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useLogLines } from './log-lines'
import './log-viewer.css'

const LINE_HEIGHT_PX = 20
/** Within this distance of the bottom counts as "at the end" (follow stays on). */
const AT_END_PX = 24

export interface LogViewerProps {
  /** The accessible name of the log region, e.g. "Algorithm log". */
  label: string
  /** The log's text in parts, in order (appending parts is what follows a live log). */
  chunks: readonly string[]
  /** More text may come: offer Follow (on by default). */
  isLive: boolean
  /** Shown when the text is empty. */
  emptyText: string
  heightPx?: number
}

export function LogViewer({ label, chunks, isLive, emptyText, heightPx = 360 }: LogViewerProps) {
  const allLines = useLogLines(chunks)
  // Memoized: a copy of every line on each render (scrolls re-render) cost frames on a 50 MB log.
  const lines = useMemo(
    () => (allLines.length > 0 && allLines[allLines.length - 1] === '' ? allLines.slice(0, -1) : allLines),
    [allLines],
  )
  const [follow, setFollow] = useState(true)
  const [wrap, setWrap] = useState(false)
  const [search, setSearch] = useState('')
  const [needle] = useDebouncedValue(search.trim().toLowerCase(), 150)
  // Indexes of the lines shown: every line, or the ones matching the search.
  const shown = useMemo(() => {
    if (!needle) return null
    const found: number[] = []
    for (let i = 0; i < lines.length; i++) if (lines[i]!.toLowerCase().includes(needle)) found.push(i)
    return found
  }, [lines, needle])
  const count = shown ? shown.length : lines.length
  const viewport = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => viewport.current,
    estimateSize: () => LINE_HEIGHT_PX,
    overscan: 20,
    initialRect: { width: 800, height: heightPx },
  })
  const following = isLive && follow
  useEffect(() => {
    if (following && count > 0) virtualizer.scrollToIndex(count - 1, { align: 'end' })
  }, [following, count, virtualizer])
  const onScroll = () => {
    const el = viewport.current
    if (!el || !isLive) return
    const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight <= AT_END_PX
    if (!atEnd && follow) setFollow(false)
  }
  return (
    <Paper withBorder p="xs">
      <Group justify="space-between" mb="xs" gap="sm">
        <TextInput
          size="xs"
          label={`Search the ${label.toLowerCase()}`}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={280}
        />
        <Group gap="md">
          {shown && (
            <Badge variant="light" aria-live="polite">
              {shown.length} matching {shown.length === 1 ? 'line' : 'lines'}
            </Badge>
          )}
          <Switch label="Wrap lines" checked={wrap} onChange={(e) => setWrap(e.currentTarget.checked)} />
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
        {count === 0 ? (
          <Text c="dimmed" p="xs" ff="monospace" size="sm">
            {shown ? 'No line matches the search.' : emptyText}
          </Text>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth: '100%' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const index = shown ? shown[item.index]! : item.index
              return (
                <div
                  key={item.key}
                  data-index={item.index}
                  ref={wrap ? virtualizer.measureElement : undefined}
                  className="log-line"
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    transform: `translateY(${item.start}px)`,
                    minHeight: LINE_HEIGHT_PX,
                    whiteSpace: wrap ? 'pre-wrap' : 'pre',
                    wordBreak: wrap ? 'break-all' : undefined,
                    width: wrap ? '100%' : undefined,
                  }}
                >
                  <span className="log-line-number" aria-hidden="true">
                    {index + 1}
                  </span>
                  {lines[index]}
                </div>
              )
            })}
          </div>
        )}
      </ScrollArea>
    </Paper>
  )
}
