# Sample Python algorithm: the same statistics as weather-stats.js, standard library only.
# Reads /data/inputs/<did>/<n> for each DID in $DIDS and writes /data/outputs/stats.json.
import csv, json, os

root = os.environ.get("C2D_DATA_DIR", "/data")
dids = json.loads(os.environ.get("DIDS", "[]"))
stations = {}
rows = 0
for did in dids:
    folder = os.path.join(root, "inputs", did)
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), newline="") as f:
            for row in csv.DictReader(f):
                s = stations.setdefault(row["station"], {"rows": 0, "t": 0.0, "rain": 0.0})
                s["rows"] += 1
                s["t"] += float(row["temperature_c"])
                s["rain"] += float(row["rain_mm"])
                rows += 1
    print(f"read {did}", flush=True)
result = {k: {"rows": v["rows"], "meanTemperatureC": round(v["t"] / v["rows"], 2), "rainMm": round(v["rain"], 1)} for k, v in stations.items()}
with open(os.path.join(root, "outputs", "stats.json"), "w") as f:
    json.dump({"rows": rows, "stations": result}, f, indent=2)
print(f"done: {rows} rows, {len(result)} stations", flush=True)
