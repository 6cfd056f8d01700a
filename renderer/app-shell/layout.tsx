// The frame around every route: Mantine AppShell with the main navigation, and focus moved to the
// new page's heading on each route change (so keyboard and screen-reader users land on the page).
import { useEffect, useRef } from 'react'
import { AppShell, Group, NavLink, Title } from '@mantine/core'
import { Link, Outlet, useRouter, useRouterState } from '@tanstack/react-router'
import { NAV_ITEMS } from './routes'
import { LiveContent, ShellBanners, StatusBar } from './status-bar'

function isActive(pathname: string, to: string): boolean {
  return to === '/' ? pathname === '/' : pathname === to || pathname.startsWith(`${to}/`)
}

function useFocusHeadingOnRouteChange(main: React.RefObject<HTMLElement | null>) {
  const router = useRouter()
  useEffect(
    () =>
      // After the new route has rendered (not on the first load: the page opens where it opens).
      router.subscribe('onRendered', ({ fromLocation, toLocation }) => {
        // A search-param change (the Jobs filter, search box or tab) is the same page: focus stays.
        if (!fromLocation || fromLocation.pathname === toLocation.pathname) return
        // After the browser has painted the new route (the event can precede the commit of the
        // route's own component), so the heading found is the new page's, not the old one's.
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            const target = main.current?.querySelector<HTMLElement>('h2') ?? main.current
            if (!target) return
            if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1')
            target.focus()
          }),
        )
      }),
    [router, main],
  )
}

/** The sidebar's links: the only part of the shell that re-renders on a route change. */
function MainNavLinks() {
  const pathname = useRouterState({ select: (s) => s.location.pathname })
  return (
    <>
      {NAV_ITEMS.map((item) => {
        const active = isActive(pathname, item.to)
        return (
          <NavLink
            key={item.to}
            component={Link}
            to={item.to}
            label={item.label}
            active={active}
            variant="filled"
            aria-current={active ? 'page' : undefined}
          />
        )
      })}
    </>
  )
}

export function Layout() {
  const mainRef = useRef<HTMLElement>(null)
  useFocusHeadingOnRouteChange(mainRef)
  return (
    <AppShell
      navbar={{ width: 240, breakpoint: 0 }}
      header={{ height: 56 }}
      footer={{ height: 40 }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md">
          <Title order={1} size="h4" style={{ whiteSpace: 'nowrap' }}>
            C2D Publisher Console
          </Title>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" component="nav" aria-label="Main">
        <MainNavLinks />
      </AppShell.Navbar>
      <AppShell.Main ref={mainRef}>
        <ShellBanners />
        <LiveContent>
          <Outlet />
        </LiveContent>
      </AppShell.Main>
      <AppShell.Footer>
        <StatusBar />
      </AppShell.Footer>
    </AppShell>
  )
}
