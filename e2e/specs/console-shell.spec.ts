// The shell as a product: every screen in both themes (screenshots), an accessibility check with
// axe-core (no serious or critical violations), and URLs that survive Back, Forward and reload.
import AxeBuilder from '@axe-core/playwright'
import { test, expect } from '../fixtures/test'
import { SCREEN_NAMES } from '../pages/console-app'

for (const scheme of ['light', 'dark'] as const) {
  test(`every screen in the ${scheme} theme passes axe with no serious violations`, async ({
    consoleApp,
  }) => {
    await consoleApp.useColorScheme(scheme)
    const problems: string[] = []
    for (const screen of SCREEN_NAMES) {
      await consoleApp.goTo(screen)
      await expect(consoleApp.page.getByRole('heading', { level: 2 }).first()).toBeVisible()
      // The body too (it mounts a render after the heading, AfterFirstPaint): axe and the
      // screenshot see the screen, not its placeholder.
      await expect(consoleApp.page.getByTestId('screen-placeholder')).toHaveCount(0)
      await consoleApp.screenshot(`${scheme}-${screen.toLowerCase().replace(/ /g, '-')}`)
      // Every copy button is drawn whole in this theme: a square button with its icon visible (the
      // dark Overview once squeezed the Provider URL's into a blue dot with no icon).
      for (const copy of await consoleApp.page.getByRole('button', { name: /^Copy / }).all()) {
        const name = await copy.getAttribute('aria-label')
        const box = await copy.boundingBox()
        const icon = await copy.locator('svg').boundingBox()
        if (!box || box.width < 18 || box.height < 18 || !icon || icon.width < 10)
          problems.push(`${screen}: copy button "${name}" is drawn ${box?.width ?? 0}×${box?.height ?? 0} px`)
      }
      const { violations } = await new AxeBuilder({ page: consoleApp.page }).analyze()
      for (const v of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
        problems.push(
          `${screen}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        )
    }
    expect(problems, problems.join('\n')).toEqual([])
  })
}

test('deep links, Back, Forward and reload keep the place', async ({ consoleApp }) => {
  const page = consoleApp.page
  await consoleApp.goTo('Jobs')
  await expect(page).toHaveURL(/#\/jobs$/)
  await consoleApp.goTo('Settings')
  await page.goBack()
  await expect(page.getByRole('heading', { name: 'Jobs', level: 2 })).toBeVisible()
  await page.goForward()
  await expect(page).toHaveURL(/#\/settings$/)
  await page.reload()
  await consoleApp.waitForShell()
  await expect(consoleApp.nav.getByRole('link', { name: 'Settings', exact: true })).toHaveAttribute(
    'aria-current',
    'page',
  )
  // Focus lands on the new page's heading after a navigation.
  await consoleApp.goTo('Overview')
  await expect(page.getByRole('heading', { level: 2 }).first()).toBeFocused()
})
