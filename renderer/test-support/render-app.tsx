// Renders the whole app over a fake console, on a chosen screen, with a fresh query cache and UI store.
import { render } from '@testing-library/react'
import { QueryClient } from '@tanstack/react-query'
import { App } from '../app-shell/app-shell'
import { useUiStore, type Screen } from '../ui-state/ui-store'
import { createFakeConsole, type FakeConsole } from './fake-console-service'

export function renderApp(screen: Screen, fake: FakeConsole = createFakeConsole()) {
  useUiStore.setState({
    screen,
    selectedJobId: null,
    jobFilters: { status: 'all', asset: '', consumer: '' },
    theme: 'light',
  })
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  })
  return { fake, queryClient, ...render(<App client={fake.client} queryClient={queryClient} />) }
}
