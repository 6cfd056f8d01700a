/**
 * Preloaded (`node --import`) into the console started by scripts/test-ocean-clients.mjs when
 * GitHub is not reachable: every fetch() to https://raw.githubusercontent.com goes to the local
 * mirror named by OCEAN_CLIENTS_RAW_MIRROR (github-raw-mirror.mjs) instead, same path. This stands
 * in for the internet barge's machine has; the console's code and the clients' test files are
 * unchanged. Any other origin is fetched as usual.
 */
import { Agent, setGlobalDispatcher } from 'undici'

const mirror = process.env.OCEAN_CLIENTS_RAW_MIRROR
if (mirror) {
  const target = new URL(mirror).origin
  setGlobalDispatcher(
    new Agent().compose(
      (dispatch) => (options, handler) =>
        String(options.origin ?? '').replace(/\/$/, '') === 'https://raw.githubusercontent.com'
          ? dispatch({ ...options, origin: target }, handler)
          : dispatch(options, handler),
    ),
  )
}
