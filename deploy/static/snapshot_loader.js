// The static edition's kernel starts from a snapshot (appended by tools/build_static_site.py to the site's copy of
// pyodide.js, which the Pyodide kernel's worker loads with importScripts and then calls loadPyodide).
//
// loadPyodide is wrapped: it fetches, beside pyodide.js, kernel-snapshot.bin (Python's memory after the kernel's and
// the tutorial's imports) and site-packages.bin (the files of every wheel of the lock, unpacked), both made at build
// time by deploy/static/make_snapshot.js and gzip-compressed. The files are written into Pyodide's file system
// before Python starts, and Pyodide copies the memory in instead of starting Python and importing ~500 modules; the
// wheels are then not fetched nor unpacked, and are marked loaded (a cell's `import` finds them so). The kernel's
// other options (its output) are kept. Where these cannot be had or loaded (a browser without DecompressionStream, a
// file missing), Pyodide starts as it would without them, from the wheels: slower, the same pages.
(function () {
  "use strict";
  var scope = typeof self !== "undefined" ? self : globalThis;
  var original = scope.loadPyodide;
  if (typeof original !== "function") {
    return;
  }
  var api = { pyodide: null };

  function deserialize(entry) {
    // The snapshot names Pyodide's API objects by {"pyodide": name} (make_snapshot.js): the loaded instance's.
    if (entry && typeof entry.pyodide === "string") {
      if (entry.pyodide === "") {
        return new Proxy({}, { get: function (target, key) { return api.pyodide[key]; } });
      }
      return function () { return api.pyodide[entry.pyodide].apply(api.pyodide, arguments); };
    }
    throw new Error("kernel snapshot: an unknown entry " + JSON.stringify(entry));
  }

  async function fetchGzipped(url) {
    var response = await fetch(url);
    if (!response.ok) {
      throw new Error(url + ": HTTP " + response.status);
    }
    var bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
      return bytes; // a host that already took the compression off
    }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  function writeSitePackages(FS, sitePackages, bundle) {
    // make_snapshot.js's layout: a 4-byte length, a JSON list of [path, size], then the files' bytes.
    var view = new DataView(bundle.buffer, bundle.byteOffset, bundle.byteLength);
    var headLength = view.getUint32(0, true);
    var files = JSON.parse(new TextDecoder().decode(bundle.subarray(4, 4 + headLength)));
    var offset = 4 + headLength;
    var made = {};
    for (var i = 0; i < files.length; i++) {
      var file = sitePackages + "/" + files[i][0];
      var folder = file.slice(0, file.lastIndexOf("/"));
      if (!made[folder]) {
        FS.mkdirTree(folder);
        made[folder] = true;
      }
      FS.writeFile(file, bundle.subarray(offset, offset + files[i][1]), { canOwn: true });
      offset += files[i][1];
    }
  }

  scope.loadPyodide = async function (options) {
    options = Object.assign({}, options || {});
    if (typeof DecompressionStream === "undefined" || typeof fetch === "undefined") {
      return original(options);
    }
    var indexURL = options.indexURL || new URL(".", scope.location.href).href;
    var snapshot, bundle, lock;
    try {
      [snapshot, bundle, lock] = await Promise.all([
        fetchGzipped(new URL("kernel-snapshot.bin", indexURL).href),
        fetchGzipped(new URL("site-packages.bin", indexURL).href),
        fetch(new URL("pyodide-lock.json", indexURL).href).then(function (r) { return r.json(); }),
      ]);
    } catch (err) {
      console.warn("kernel snapshot not loaded, Python starts without it:", err);
      return original(options);
    }
    var pyodide;
    try {
      pyodide = await original(Object.assign({}, options, {
        packages: [],
        lockFileContents: lock,
        _loadSnapshot: snapshot,
        _snapshotDeserializer: deserialize,
        fsInit: async function (FS, info) { writeSitePackages(FS, info.sitePackages, bundle); },
      }));
    } catch (err) {
      console.warn("kernel snapshot refused, Python starts without it:", err);
      return original(options);
    }
    api.pyodide = pyodide;
    for (var name in lock.packages) {
      pyodide.loadedPackages[name] = "default channel"; // unpacked above, with the snapshot
    }
    // The snapshot's random generator was seeded at build time: every visitor gets a new seed.
    pyodide.runPython("import random as _r; _r.seed(); del _r");
    return pyodide;
  };
})();
