// Renderer test setup: unmount between tests; jsdom lacks a few layout APIs the virtual table and
// Mantine read.
import { afterEach } from 'vitest'
import { cleanup, configure } from '@testing-library/react'

afterEach(() => cleanup())

// findBy*/waitFor bound how long to wait for the UI, they assert no speed: on a loaded 2-core
// machine a screen's deferred body can take over testing-library's default 1 s to mount.
configure({ asyncUtilTimeout: 5000 })

if (typeof window !== 'undefined') {
  // @tanstack/react-virtual measures the scroll element; jsdom reports 0, so give rows room to render.
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', { configurable: true, get: () => 600 })
  Object.defineProperty(HTMLElement.prototype, 'offsetWidth', { configurable: true, get: () => 800 })
  Object.defineProperty(Element.prototype, 'clientHeight', { configurable: true, get: () => 600 })
  Object.defineProperty(Element.prototype, 'clientWidth', { configurable: true, get: () => 800 })
  // Mantine's SegmentedControl and ScrollArea observe their size; jsdom has no ResizeObserver.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  // Mantine's Combobox scrolls the selected option into view; jsdom does no layout.
  Element.prototype.scrollIntoView ??= function scrollIntoView() {}
  window.matchMedia ??= ((query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener() {},
    removeListener() {},
    addEventListener() {},
    removeEventListener() {},
    dispatchEvent: () => false,
  })) as typeof window.matchMedia
}
