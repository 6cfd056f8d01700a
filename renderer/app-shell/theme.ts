/**
 * The one design system's theme (Mantine): colours, radius, density and the colour scheme, in one
 * file. The scheme follows the OS ("auto") until the user picks one; the pick is kept in
 * localStorage, so a reload or restart keeps it.
 */
import { createTheme, localStorageColorSchemeManager, type MantineColorScheme } from '@mantine/core'

export const theme = createTheme({
  primaryColor: 'blue',
  // Darker shades in light mode and black/white text picked by contrast: axe's colour-contrast
  // rule (WCAG AA) fails Mantine's default shade 6 on light backgrounds for small text.
  primaryShade: { light: 8, dark: 8 },
  autoContrast: true,
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  headings: { fontWeight: '600' },
  // Focus rings for keyboard users only, never removed.
  focusRing: 'auto',
})

export const COLOR_SCHEME_STORAGE_KEY = 'c2d-color-scheme'
export const DEFAULT_COLOR_SCHEME: MantineColorScheme = 'auto'

export const createColorSchemeManager = () =>
  localStorageColorSchemeManager({ key: COLOR_SCHEME_STORAGE_KEY })
