// Sample Node algorithm: mean temperature and total rain per station over every input dataset.
// Reads /data/inputs/<did>/<n> for each DID in $DIDS and writes /data/outputs/stats.json.
// (Unsandboxed mode maps /data to $C2D_DATA_DIR.)
const fs = require('node:fs')
const path = require('node:path')

const root = process.env.C2D_DATA_DIR || '/data'
const dids = JSON.parse(process.env.DIDS || '[]')
const stations = {}
let rows = 0
for (const did of dids) {
  const dir = path.join(root, 'inputs', did)
  for (const file of fs.readdirSync(dir).sort()) {
    const lines = fs.readFileSync(path.join(dir, file), 'utf8').trim().split('\n').slice(1)
    for (const line of lines) {
      const [station, , temperature, , rain] = line.split(',')
      const s = (stations[station] ??= { count: 0, temperatureSum: 0, rainMm: 0 })
      s.count += 1
      s.temperatureSum += Number(temperature)
      s.rainMm += Number(rain)
      rows += 1
    }
  }
  console.log(`read ${did}`)
}
const result = Object.fromEntries(
  Object.entries(stations).map(([name, s]) => [name, { rows: s.count, meanTemperatureC: +(s.temperatureSum / s.count).toFixed(2), rainMm: +s.rainMm.toFixed(1) }]),
)
fs.writeFileSync(path.join(root, 'outputs', 'stats.json'), JSON.stringify({ rows, stations: result }, null, 2))
console.log(`done: ${rows} rows, ${Object.keys(result).length} stations`)
