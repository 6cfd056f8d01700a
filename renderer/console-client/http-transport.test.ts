// The event stream is the connectivity signal: error → lost, open → open; a stream the browser gave
// up on (the server refused it) is reopened, with every event listener on the new one.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createBrowserHttpTransport } from './http-transport'

class FakeEventSource extends EventTarget {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSED = 2
  static made: FakeEventSource[] = []
  readyState = FakeEventSource.CONNECTING
  constructor(readonly url: string) {
    super()
    FakeEventSource.made.push(this)
  }
  open() {
    this.readyState = FakeEventSource.OPEN
    this.dispatchEvent(new Event('open'))
  }
  fail(closed: boolean) {
    this.readyState = closed ? FakeEventSource.CLOSED : FakeEventSource.CONNECTING
    this.dispatchEvent(new Event('error'))
  }
  send(event: string, payload: unknown) {
    this.dispatchEvent(new MessageEvent(event, { data: JSON.stringify(payload) }))
  }
}

const make = () =>
  createBrowserHttpTransport('http://console.test', 'tok', FakeEventSource as unknown as typeof EventSource)

afterEach(() => {
  FakeEventSource.made = []
  vi.useRealTimers()
})

describe('browser HTTP transport: connectivity', () => {
  it('reports lost on an error and open when the stream (re)opens', () => {
    const transport = make()
    const seen: string[] = []
    transport.connection.subscribe(() => seen.push(transport.connection.state()))
    transport.subscribe('onDidChangeJob', () => {})
    const source = FakeEventSource.made[0]!
    expect(source.url).toBe('http://console.test/console/v1/events?token=tok')
    source.open()
    source.fail(false) // dropped: EventSource retries by itself
    source.open()
    expect(seen).toEqual(['open', 'lost', 'open'])
    expect(FakeEventSource.made).toHaveLength(1)
  })

  it('opens a new stream when the browser gives up, and events reach the same listeners', () => {
    vi.useFakeTimers()
    const transport = make()
    const got: unknown[] = []
    transport.subscribe('onDidChangeJob', (p) => got.push(p))
    const first = FakeEventSource.made[0]!
    first.open()
    first.fail(true)
    expect(transport.connection.state()).toBe('lost')
    expect(FakeEventSource.made).toHaveLength(1)
    vi.runOnlyPendingTimers()
    const second = FakeEventSource.made[1]!
    expect(second).toBeTruthy()
    second.open()
    expect(transport.connection.state()).toBe('open')
    second.send('onDidChangeJob', { n: 1 })
    expect(got).toEqual([{ n: 1 }])
  })
})
