// The one way a duration is shown: the two largest units ("2 min 5 s", "1 h 3 min", "850 ms").
export function formatDuration(durationMs: number): string {
  if (durationMs < 1000) return `${Math.max(0, Math.round(durationMs))} ms`
  const totalSec = Math.round(durationMs / 1000)
  const h = Math.floor(totalSec / 3600)
  const min = Math.floor((totalSec % 3600) / 60)
  const sec = totalSec % 60
  if (h > 0) return min > 0 ? `${h} h ${min} min` : `${h} h`
  if (min > 0) return sec > 0 ? `${min} min ${sec} s` : `${min} min`
  return `${sec} s`
}

export function DurationLabel({ durationMs }: { durationMs: number | null }) {
  return <span>{durationMs === null ? '—' : formatDuration(durationMs)}</span>
}
