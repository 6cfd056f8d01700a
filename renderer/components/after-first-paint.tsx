// A screen's body mounted one render after its heading: the first render (on a route change)
// commits only the heading and a placeholder, so it paints at once; React then renders the body
// as deferred (interruptible) work. useDeferredValue with an initial value is React 19's way to
// do this without timers.
import { useDeferredValue, type ReactNode } from 'react'
import { Skeleton, Stack } from '@mantine/core'

export function AfterFirstPaint({ children }: { children: ReactNode }) {
  const ready = useDeferredValue(true, false)
  if (!ready)
    return (
      <Stack gap="sm" aria-hidden="true" data-testid="screen-placeholder">
        <Skeleton height={28} />
        <Skeleton height={180} />
      </Stack>
    )
  return <>{children}</>
}
