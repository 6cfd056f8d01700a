/**
 * libp2p 3 (and ocean.js' P2pProvider, which uses it) calls `Promise.withResolvers`, which Node
 * gained in 22; this console runs on Node 20 too. Installed once, only where it is missing, before
 * any libp2p module runs. Nothing else belongs here.
 */
type Resolvers<T> = { promise: Promise<T>; resolve: (value: T) => void; reject: (reason?: unknown) => void }

const promise = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> }
if (typeof promise.withResolvers !== 'function') {
  promise.withResolvers = <T>(): Resolvers<T> => {
    let resolve!: (value: T) => void
    let reject!: (reason?: unknown) => void
    const p = new Promise<T>((res, rej) => {
      resolve = res
      reject = rej
    })
    return { promise: p, resolve, reject }
  }
}
export {}
