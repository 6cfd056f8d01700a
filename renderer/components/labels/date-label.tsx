// The one way a point in time is shown: local date and time in one format, ISO on hover.
import { Tooltip } from '@mantine/core'

const FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' })

export function formatDate(atMs: number): string {
  return FORMAT.format(new Date(atMs))
}

/**
 * `dense`: the ISO as the element's title instead of a Mantine Tooltip, for rows of a virtual
 * table, where one floating tooltip per cell (its hover, focus and role hooks) was most of a
 * row's render cost at first paint.
 */
export function DateLabel({ atMs, dense = false }: { atMs: number | null; dense?: boolean }) {
  if (atMs === null) return <span>—</span>
  const iso = new Date(atMs).toISOString()
  if (dense)
    return (
      <time dateTime={iso} title={iso}>
        {formatDate(atMs)}
      </time>
    )
  return (
    <Tooltip label={iso} openDelay={300}>
      <time dateTime={iso}>{formatDate(atMs)}</time>
    </Tooltip>
  )
}
