// Does the tutorial's Python run in WebAssembly? Runs the engine (and builds the analyzer's widgets) in Pyodide
// under Node.js, and compares every analysis of the casebook with CPython's. Part of docs/deploy.md's
// static edition: Pyodide is the Python of JupyterLite and Voici.
//
//   make static                                      # brings the npm registry's Pyodide 0.29 (the core)
//   NODE_PATH=build/static-tools/npm/node_modules node deploy/static/engine_in_pyodide.js
//
// Pure-Python packages (PyYAML's pure-Python half, ipywidgets, traitlets, IPython ...) are taken from the project's
// .venv, mounted read-only into Pyodide's file system: nothing is downloaded at run time.

const path = require("path");
const { execFileSync } = require("child_process");
const { loadPyodide } = require("pyodide");

const ROOT = process.env.LL_ROOT || path.resolve(__dirname, "..", "..");
const VENV_PY = process.env.LL_PYTHON || path.join(ROOT, ".venv", "bin", "python");
const SITE = execFileSync(VENV_PY, ["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
  .toString().trim();

const ANALYSES = `
import json
from casebook.cases import decisions_json
from casebook.engine import analyze, REGIMES
from casebook.scenario import validate
out = {}
for d in decisions_json():
    facts = {k: v for k, v in d["facts"].items() if k not in ("title", "description", "assumptions")}
    for regime in REGIMES:
        for lang in ("zh", "en"):
            out[f"{d['id']}/{regime}/{lang}"] = analyze(validate(facts), regime, lang)
result = json.dumps(out, ensure_ascii=False, sort_keys=True, default=str)
`;

const WIDGETS = `
import time
t = time.perf_counter()
from widgets.app import AnalyzerApp
app = AnalyzerApp()
built = time.perf_counter() - t
before = app.analysis["liability_form"]
app.facts = dict(app.facts, platform_knowledge="knew")
widgets_report = f"AnalyzerApp built in {built:.2f} s; liability form {before} -> {app.analysis['liability_form']}"
`;

(async () => {
  const t0 = Date.now();
  const py = await loadPyodide();
  const loaded = Date.now() - t0;
  for (const [dir, host] of [["/lab", ROOT], ["/site", SITE]]) {
    py.FS.mkdirTree(dir);
    py.FS.mount(py.FS.filesystems.NODEFS, { root: host }, dir);
  }
  py.runPython(`import sys; sys.path[:0] = ["/lab"]; sys.path.append("/site")`);
  const t1 = Date.now();
  py.runPython(ANALYSES);
  const ran = Date.now() - t1;
  const inWasm = py.globals.get("result");
  const inCPython = execFileSync(VENV_PY, ["-c", ANALYSES + "\nprint(result)"], { cwd: ROOT, maxBuffer: 1 << 28 })
    .toString().trim();
  const n = Object.keys(JSON.parse(inWasm)).length;
  const version = py.runPython("import sys; sys.version.split()[0]");
  console.log(`Pyodide ${py.version} (Python ${version}): loaded in ${loaded} ms; ${n} analyses in ${ran} ms`);
  let ok = inWasm === inCPython;
  console.log(ok ? `identical to CPython's ${n} analyses` : "DIFFERENT from CPython's analyses");
  try {
    py.runPython(WIDGETS);
    console.log(py.globals.get("widgets_report"));
  } catch (err) {
    ok = false;
    console.log("the analyzer's widgets did not build: " + String(err).split("\n").slice(-3).join(" "));
  }
  process.exit(ok ? 0 : 1);
})();
