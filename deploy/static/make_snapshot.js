// The kernel's start, taken once at build time (called by tools/build_static_site.py):
//
//   NODE_PATH=build/static-tools/npm/node_modules node deploy/static/make_snapshot.js PYODIDE_DIR NOTEBOOKS
//
// Pyodide starts here, under Node.js, from the site's own files (PYODIDE_DIR: its core, its standard library, the
// wheels of its pyodide-lock.json), unpacks every wheel, and imports what every page imports first: IPython, the
// Pyodide kernel (which builds its IPython shell), ipywidgets and every module of the tutorial (casebook, widgets);
// it runs each notebook's cells once (NOTEBOOKS), with no kernel, so that what pages cache is cached already.
// Its memory is then written to OUT as a Pyodide memory snapshot (gzip-compressed), which the page's kernel loads
// instead of starting Python and importing all that again (deploy/static/snapshot_loader.js): the interpreter's
// start and some 500 imports become one copy of memory.
//
// A snapshot holds Python's memory, not its file system: site-packages as unpacked here is written beside it
// (site-packages.bin), and the loader puts it back before Python starts (a module no page imported here is imported
// from it as usual; no wheel is fetched nor unpacked). It may refer to JavaScript objects only by their place in
// the worker's global scope or in Pyodide's API; the kernel holds two of Pyodide's API (its `pyodide_js` module
// and loadPackagesFromImports), written as {"pyodide": name} for the loader to find again. Python's hash secret is
// fixed (PYTHONHASHSEED=0); the snapshot's bytes still differ from build to build (clock readings and the random
// state in memory), what it holds does not. The loader reseeds `random` after loading.
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const { loadPyodide } = require("pyodide");

const IMPORTS = `
import importlib, json, os, pkgutil, sys
import IPython, comm, ipywidgets, traitlets, yaml
failed = []
for package in ("casebook", "widgets"):
    module = importlib.import_module(package)
    for info in pkgutil.walk_packages(module.__path__, package + "."):
        try:
            importlib.import_module(info.name)
        except Exception as exc:  # a module that cannot load in Pyodide is loaded (and fails) on the page, as before
            failed.append(f"{info.name}: {exc!r}")
# Every page's cells, run once here with no kernel (ipywidgets' comms go nowhere), fill what the pages cache on
# first use: the data files read and checked (PyYAML's pure-Python parser), the engine's tables, traitlets' per-class
# setup. The widgets made are closed and dropped; each page builds its own.
for name in sorted(os.listdir(NOTEBOOKS)):
    if not name.endswith(".ipynb"):
        continue
    with open(os.path.join(NOTEBOOKS, name), encoding="utf-8") as fh:
        cells = [c for c in json.load(fh)["cells"] if c["cell_type"] == "code"]
    scope = {"__name__": "__main__"}
    for cell in cells:
        try:
            exec(compile("".join(cell["source"]), name, "exec"), scope)
        except Exception as exc:
            failed.append(f"{name}: {exc!r}")
            break
ipywidgets.Widget.close_all()
del scope
import gc; gc.collect()
import ipykernel, pyodide_kernel  # the kernel's IPython shell, built as the page's kernel builds it
ipywidgets._handle_ipython()  # ipywidgets' comm targets, as when it is imported under the kernel
print(f"snapshot: {len(sys.modules)} modules imported", file=sys.__stdout__)
for line in failed:
    print(f"snapshot: not warmed: {line}", file=sys.__stdout__)
`;

(async () => {
  const [pyodideDir, notebooks] = process.argv.slice(2);
  const out = pyodideDir;
  if (!pyodideDir || !notebooks) {
    console.error("usage: make_snapshot.js PYODIDE_DIR NOTEBOOKS");
    process.exit(2);
  }
  const indexURL = path.resolve(pyodideDir) + "/";
  const py = await loadPyodide({ indexURL, _makeSnapshot: true, env: { PYTHONHASHSEED: "0" } });
  // The wheels are unpacked by Python, not by loadPackage: Pyodide makes no snapshot once it has loaded a package
  // (the page's kernel loads them all again, into its own file system).
  const lock = JSON.parse(fs.readFileSync(path.join(indexURL, "pyodide-lock.json"), "utf-8"));
  py.FS.mkdirTree("/tmp/wheels");
  for (const pkg of Object.values(lock.packages)) {
    py.FS.writeFile("/tmp/wheels/" + pkg.file_name, fs.readFileSync(path.join(indexURL, pkg.file_name)));
  }
  py.runPython(`
import importlib, os, sysconfig, zipfile
for name in sorted(os.listdir("/tmp/wheels")):
    with zipfile.ZipFile("/tmp/wheels/" + name) as zf:
        zf.extractall(sysconfig.get_paths()["purelib"])
    os.remove("/tmp/wheels/" + name)
importlib.invalidate_caches()
`);
  // The unpacked site-packages, as one file the loader writes into the page's file system before Python starts:
  // a 4-byte length, a JSON list of [path, size], then every file's bytes (gzip-compressed).
  py.runPython(`
import json, os, struct, sysconfig
site = sysconfig.get_paths()["purelib"]
files = []
for folder, dirs, names in os.walk(site):
    dirs.sort()
    for name in sorted(names):
        path = os.path.join(folder, name)
        files.append((os.path.relpath(path, site), os.path.getsize(path)))
head = json.dumps(files, separators=(",", ":")).encode()
with open("/tmp/site-packages.bin", "wb") as out:
    out.write(struct.pack("<I", len(head)) + head)
    for rel, _ in files:
        with open(os.path.join(site, rel), "rb") as fh:
            out.write(fh.read())
`);
  const sitePackages = py.FS.readFile("/tmp/site-packages.bin");
  py.FS.unlink("/tmp/site-packages.bin");
  py.FS.mkdirTree("/tmp/notebooks");
  for (const name of fs.readdirSync(notebooks).filter((n) => n.endsWith(".ipynb"))) {
    py.FS.writeFile("/tmp/notebooks/" + name, fs.readFileSync(path.join(notebooks, name)));
  }
  py.globals.set("NOTEBOOKS", "/tmp/notebooks");
  py.runPython(IMPORTS);
  py.runPython("import shutil; shutil.rmtree('/tmp/notebooks'); del NOTEBOOKS");
  const snapshot = py.makeMemorySnapshot({
    serializer: (obj) => {
      if (obj === py.loadPackagesFromImports) {
        return { pyodide: "loadPackagesFromImports" };
      }
      if (obj && obj.loadPackage === py.loadPackage) {
        return { pyodide: "" }; // the `pyodide_js` module: Pyodide's API
      }
      throw new Error("the snapshot refers to a JavaScript object it cannot name: " + String(obj).slice(0, 200));
    },
  });
  fs.writeFileSync(path.join(out, "kernel-snapshot.bin"), zlib.gzipSync(snapshot, { level: 6 }));
  fs.writeFileSync(path.join(out, "site-packages.bin"), zlib.gzipSync(sitePackages, { level: 9 }));
  console.log(`snapshot: ${(snapshot.length / 1e6).toFixed(1)} MB of memory, ` +
              `${(fs.statSync(path.join(out, "kernel-snapshot.bin")).size / 1e6).toFixed(1)} MB compressed; ` +
              `site-packages ${(sitePackages.length / 1e6).toFixed(1)} MB, ` +
              `${(fs.statSync(path.join(out, "site-packages.bin")).size / 1e6).toFixed(1)} MB compressed`);
})().catch((err) => {
  console.error(String(err && err.stack || err));
  process.exit(1);
});
