// Compile the static edition's wheels to bytecode with Pyodide itself (called by tools/build_static_site.py):
//
//   NODE_PATH=build/static-tools/npm/node_modules node deploy/static/compile_wheels.js FOLDER WHEEL...
//
// In each wheel, every module's source (x.py) is replaced by its Python 3.13 bytecode (x.pyc, beside where the
// source was: Python imports such a file without a source), as Pyodide's own packages are shipped. The browser then
// unpacks and imports them without compiling anything; the modules' file names in tracebacks stay the same. The
// wheel's RECORD is rewritten to match. Pyodide's Python makes the bytecode, so its version is the browser's.
"use strict";
const path = require("path");
const { loadPyodide } = require("pyodide");

const COMPILE = `
import base64, csv, hashlib, importlib._bootstrap_external as bx, io, os, zipfile

SITE = "/lib/python3.13/site-packages/"

def compile_wheel(path):
    with zipfile.ZipFile(path) as zf:
        entries = [(info, zf.read(info)) for info in zf.infolist()]
    out, compiled = {}, 0
    for info, data in entries:
        name = info.filename
        top = name.split("/", 1)[0]
        if name.endswith(".py") and not top.endswith((".dist-info", ".data")):
            code = compile(data, SITE + name, "exec", dont_inherit=True)
            out[name + "c"] = bytes(bx._code_to_timestamp_pyc(code, 0, 0))
            compiled += 1
        elif not name.endswith(".dist-info/RECORD"):
            out[name] = data
    record_name = next(n for n, _ in ((i.filename, d) for i, d in entries) if n.endswith(".dist-info/RECORD"))
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\\n")
    for name in sorted(out):
        digest = base64.urlsafe_b64encode(hashlib.sha256(out[name]).digest()).rstrip(b"=").decode()
        writer.writerow([name, "sha256=" + digest, len(out[name])])
    writer.writerow([record_name, "", ""])
    out[record_name] = rows.getvalue().encode()
    tmp = path + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in sorted(out):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, out[name])
    os.replace(tmp, path)
    return compiled

report = []
for name in WHEELS:
    report.append(f"{name}: {compile_wheel('/wheels/' + name)} modules")
"\\n".join(report)
`;

(async () => {
  const [folder, ...wheels] = process.argv.slice(2);
  if (!folder || !wheels.length) {
    console.error("usage: compile_wheels.js FOLDER WHEEL...");
    process.exit(2);
  }
  const py = await loadPyodide();
  py.FS.mkdirTree("/wheels");
  py.FS.mount(py.FS.filesystems.NODEFS, { root: path.resolve(folder) }, "/wheels");
  py.globals.set("WHEELS", py.toPy(wheels));
  console.log(py.runPython(COMPILE));
})().catch((err) => {
  console.error(String(err));
  process.exit(1);
});
