/**
 * The configure step's program, run by `node -e` in the configure pod (Node ≥ 18: global fetch).
 * It reads the job's Secret (`/c2d/inputs/inputs.json`, see manifests.ts `ConfigureInputs`) and
 * builds the job volume of c2d.md under /data: dataset files in /data/inputs/<did>/<n>, DDOs in
 * /data/ddos, the algorithm in /data/transformations/algorithm, algoCustomData.json, bucket files in
 * /data/persistentStorage/<bucketId>/<fileName>. Its stdout is
 * the job's configuration.log, so it never prints URLs, headers or paths; it exits 2 when a dataset
 * file fails and 3 when the algorithm fails (manifests.ts CONFIGURE_EXIT), 1 on anything else.
 *
 * Plain ES2020 in a string: it runs in the cluster's node image, not in the console.
 */
export const CONFIGURE_SCRIPT = String.raw`
const fs = require('fs')
const log = (m) => console.log(new Date().toISOString() + ' ' + m)
const fail = (code, m) => { log('failed: ' + m); process.exit(code) }
const spec = JSON.parse(fs.readFileSync('/c2d/inputs/inputs.json', 'utf8'))
const safeDid = (d) => /^[A-Za-z0-9:._-]+$/.test(d) && d !== '.' && d !== '..'
for (const d of ['inputs', 'ddos', 'outputs', 'logs', 'transformations']) fs.mkdirSync('/data/' + d, { recursive: true })
async function fetchTo(src, dest, max) {
  if (src.type === 'inline') { const b = Buffer.from(src.base64, 'base64'); fs.writeFileSync(dest, b); return b.length }
  if (src.type === 'rawcode') { fs.writeFileSync(dest, src.code); return Buffer.byteLength(src.code) }
  let url
  if (src.type === 'url') url = src.url
  else if (src.type === 'ipfs') url = spec.gateways.ipfs.replace(/\/+$/, '') + '/ipfs/' + src.hash
  else if (src.type === 'arweave') url = spec.gateways.arweave.replace(/\/+$/, '') + '/' + src.transactionId
  else throw new Error('unsupported file type ' + src.type)
  let res
  try {
    res = await fetch(url, { method: String(src.method || 'GET').toUpperCase(), headers: src.headers || {}, redirect: 'follow' })
  } catch (e) {
    throw new Error('could not be downloaded (' + ((e && e.cause && e.cause.code) || 'network error') + ')')
  }
  if (!res.ok) throw new Error('the server answered HTTP ' + res.status)
  const declared = Number(res.headers.get('content-length') || 0)
  if (declared > max) throw new Error('is larger than the limit of ' + max + ' bytes')
  const out = fs.createWriteStream(dest)
  let n = 0
  for await (const chunk of res.body) {
    n += chunk.length
    if (n > max) { out.destroy(); throw new Error('is larger than the limit of ' + max + ' bytes') }
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r))
  }
  await new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())))
  return n
}
;(async () => {
  for (const ds of spec.datasets) {
    if (!safeDid(ds.did)) fail(2, 'a dataset DID contains characters that are not allowed')
    fs.mkdirSync('/data/inputs/' + ds.did, { recursive: true })
    fs.writeFileSync('/data/ddos/' + ds.did, JSON.stringify(ds.ddo || {}, null, 2))
    for (let i = 0; i < ds.files.length; i++) {
      try {
        const n = await fetchTo(ds.files[i], '/data/inputs/' + ds.did + '/' + i, spec.inputFileBytesMax)
        log('dataset ' + ds.did + ' file ' + i + ': ' + n + ' bytes (' + (ds.files[i].type === 'inline' ? 'local' : ds.files[i].type) + ')')
      } catch (e) { fail(2, 'dataset ' + ds.did + ' file ' + i + ': ' + e.message) }
    }
  }
  const safeSegment = (n) => typeof n === 'string' && /^[^/\\\u0000-\u001f]+$/.test(n) && n !== '.' && n !== '..'
  for (const f of spec.storage || []) {
    if (!safeSegment(f.bucketId) || !safeSegment(f.fileName)) fail(2, 'a persistent storage file name is not allowed')
    try {
      fs.mkdirSync('/data/persistentStorage/' + f.bucketId, { recursive: true })
      const n = await fetchTo({ type: 'inline', base64: f.base64 }, '/data/persistentStorage/' + f.bucketId + '/' + f.fileName, spec.inputFileBytesMax)
      log('persistent storage file ' + f.fileName + ': ' + n + ' bytes')
    } catch (e) { fail(2, 'persistent storage file ' + f.fileName + ': ' + e.message) }
  }
  const algo = spec.algorithm
  if (algo.did && safeDid(algo.did)) fs.writeFileSync('/data/ddos/' + algo.did, JSON.stringify(algo.ddo || {}, null, 2))
  if (spec.algoCustomData) { fs.writeFileSync('/data/inputs/algoCustomData.json', JSON.stringify(spec.algoCustomData)); log('algoCustomData.json written') }
  try {
    const n = await fetchTo(algo.source, '/data/transformations/algorithm', spec.inputFileBytesMax)
    log('algorithm' + (algo.did ? ' ' + algo.did : '') + ': ' + n + ' bytes (' + (algo.source.type === 'inline' ? 'local' : algo.source.type === 'rawcode' ? 'raw code' : algo.source.type) + ')')
  } catch (e) { fail(3, 'algorithm: ' + e.message) }
  log('job volume ready')
})().catch((e) => fail(1, 'internal error: ' + (e && e.message)))
`
