/**
 * NAT test, "public" namespace: the chain is public infrastructure, so its JSON-RPC is served on
 * the public network. The dev chain itself runs inside the console's process (it is the embedded
 * EVM); this forwarder publishes it on `<host>:<port>` here by piping each TCP connection to a
 * Unix socket the console opens (file-system sockets are not scoped to a network namespace).
 * Only the RPC crosses: the console's Provider stays behind the NAT. Prints `{ rpcUrl }`.
 */
import { connect, createServer } from 'node:net'

const [host, port, socketPath] = process.argv.slice(2) as [string, string, string]
const server = createServer((client) => {
  const upstream = connect(socketPath)
  client.pipe(upstream).pipe(client)
  const close = () => {
    client.destroy()
    upstream.destroy()
  }
  client.on('error', close)
  upstream.on('error', close)
})
server.listen(Number(port), host, () => console.log(JSON.stringify({ rpcUrl: `http://${host}:${port}` })))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
