// The one way a point in time is shown: local date and time in one format, ISO on hover.
import { Tooltip } from '@mantine/core'

const FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' })

export function formatDate(atMs: number): string {
  return FORMAT.format(new Date(atMs))
}

export function DateLabel({ atMs }: { atMs: number | null }) {
  if (atMs === null) return <span>—</span>
  const iso = new Date(atMs).toISOString()
  return (
    <Tooltip label={iso} openDelay={300}>
      <time dateTime={iso}>{formatDate(atMs)}</time>
    </Tooltip>
  )
}
