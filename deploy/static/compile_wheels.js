// Compile the static edition's Python to bytecode with Pyodide itself (called by tools/build_static_site.py):
//
//   NODE_PATH=build/static-tools/npm/node_modules node deploy/static/compile_wheels.js FOLDER ARCHIVE...
//
// In each archive (a wheel, or python_stdlib.zip: the npm registry's Pyodide ships its standard library as sources,
// which cost the analyzer's start about 1.5 s of compiling), every module's source (x.py) is replaced by its Python
// 3.13 bytecode (x.pyc, beside where the source was: Python imports such a file, from a folder or a zip, without a
// source). The browser then imports them without compiling anything; the modules' file names in tracebacks stay
// the same. A wheel's RECORD is rewritten to match. Pyodide's Python makes the bytecode, so its version is the
// browser's. A module that does not compile (none today) keeps its source. A library's own test suite (a folder
// named tests) is left out of its wheel, as Pyodide's own packages leave it out.
"use strict";
const path = require("path");
const { loadPyodide } = require("pyodide");

const COMPILE = `
import base64, csv, hashlib, importlib._bootstrap_external as bx, io, os, warnings, zipfile

warnings.simplefilter("ignore")  # a library's old escape sequences are its own business

SITE = "/lib/python3.13/site-packages/"
STDLIB = "/lib/python313.zip/"

def compile_wheel(path):
    stdlib = path.endswith("python_stdlib.zip")
    prefix = STDLIB if stdlib else SITE
    with zipfile.ZipFile(path) as zf:
        entries = [(info, zf.read(info)) for info in zf.infolist()]
    out, compiled = {}, 0
    for info, data in entries:
        name = info.filename
        top = name.split("/", 1)[0]
        if not stdlib and "tests" in name.split("/")[:-1]:
            continue  # a library's own test suite: never imported by a page
        if name.endswith(".py") and not top.endswith((".dist-info", ".data")):
            try:
                code = compile(data, prefix + name, "exec", dont_inherit=True)
            except SyntaxError:
                out[name] = data
                continue
            out[name + "c"] = bytes(bx._code_to_timestamp_pyc(code, 0, 0))
            compiled += 1
        elif not name.endswith(".dist-info/RECORD"):
            out[name] = data
    if stdlib:
        write_zip(path, out)
        return compiled
    record_name = next(n for n, _ in ((i.filename, d) for i, d in entries) if n.endswith(".dist-info/RECORD"))
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\\n")
    for name in sorted(out):
        digest = base64.urlsafe_b64encode(hashlib.sha256(out[name]).digest()).rstrip(b"=").decode()
        writer.writerow([name, "sha256=" + digest, len(out[name])])
    writer.writerow([record_name, "", ""])
    out[record_name] = rows.getvalue().encode()
    write_zip(path, out)
    return compiled

def write_zip(path, out):
    tmp = path + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in sorted(out):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, out[name])
    os.replace(tmp, path)

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
