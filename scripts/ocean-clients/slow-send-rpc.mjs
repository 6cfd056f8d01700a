/**
 * The dev chain as barge's clients see it: a JSON-RPC proxy on barge's port that forwards every
 * request to the console's embedded dev chain, and answers eth_sendRawTransaction /
 * eth_sendTransaction no sooner than `sendDelayMs` after the sender's last eth_getTransactionCount.
 *
 * Why: ethers 6 caches an identical RPC request for 250 ms (AbstractProvider `cacheTimeout`), so a
 * client that sends two transactions back to back from one wallet (ocean.js' orderAsset: dispense,
 * then startOrder) asks for its nonce twice within 250 ms when the chain mines in a few
 * milliseconds, as the embedded EVM does, and gets the stale nonce back ("Nonce too low"). Barge's
 * chain takes longer than that to mine; so does every real chain. Used by test-ocean-clients.mjs.
 */
import { createServer } from 'node:http'
import { Transaction } from 'ethers'

function sender(call) {
  try {
    if (call?.method === 'eth_sendTransaction') return String(call.params?.[0]?.from ?? '').toLowerCase()
    if (call?.method === 'eth_sendRawTransaction')
      return String(Transaction.from(call.params?.[0]).from ?? '').toLowerCase()
  } catch {
    // not a transaction we can read: no delay
  }
  return undefined
}

export async function startSlowSendRpc({ target, port, sendDelayMs }) {
  /** address → when its nonce was last asked for (ms). */
  const nonceAskedAt = new Map()
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', async () => {
      const body = Buffer.concat(chunks)
      let parsed
      try {
        parsed = JSON.parse(body.toString('utf8'))
      } catch {
        parsed = undefined
      }
      const calls = Array.isArray(parsed) ? parsed : [parsed]
      for (const c of calls)
        if (c?.method === 'eth_getTransactionCount')
          nonceAskedAt.set(String(c.params?.[0] ?? '').toLowerCase(), Date.now())
      const answerAt = Math.max(
        0,
        ...calls.map((c) => {
          const from = sender(c)
          return from && nonceAskedAt.has(from) ? nonceAskedAt.get(from) + sendDelayMs : 0
        }),
      )
      try {
        const response = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        })
        const text = await response.text()
        const wait = answerAt - Date.now()
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
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
