/**
 * The dev chain as barge's clients see it: a JSON-RPC proxy on barge's port that forwards every
 * request to the console's embedded dev chain and answers eth_sendRawTransaction /
 * eth_sendTransaction only after `sendDelayMs`.
 *
 * Why: ethers 6 caches an identical RPC request for 250 ms (AbstractProvider `cacheTimeout`), so a
 * client that sends two transactions back to back from one wallet (ocean.js' orderAsset: dispense,
 * then startOrder) asks for its nonce twice within 250 ms when the chain mines in a few
 * milliseconds, as the embedded EVM does, and gets the stale nonce back ("Nonce too low"). Barge's
 * chain takes longer than that to mine; so does every real chain. Used by test-ocean-clients.mjs.
 */
import { createServer } from 'node:http'

const SEND_METHODS = new Set(['eth_sendRawTransaction', 'eth_sendTransaction'])

export async function startSlowSendRpc({ target, port, sendDelayMs }) {
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', async () => {
      const body = Buffer.concat(chunks)
      try {
        const response = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        })
        const text = await response.text()
        let parsed
        try {
          parsed = JSON.parse(body.toString('utf8'))
        } catch {
          parsed = undefined
        }
        const calls = Array.isArray(parsed) ? parsed : [parsed]
        if (calls.some((c) => SEND_METHODS.has(c?.method)))
          await new Promise((resolve) => setTimeout(resolve, sendDelayMs))
        res.writeHead(response.status, { 'content-type': 'application/json' }).end(text)
      } catch (error) {
        res
          .writeHead(502, { 'content-type': 'application/json' })
          .end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: String(error) } }))
      }
    })
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() }
}
