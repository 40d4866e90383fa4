// What every page of the static edition runs before Voici starts (served as voici/build/ll-page-setup.js;
// tools/build_static_site.py puts it before Voici's own script on every page): the query bridge, the site's
// service worker, the page's <html lang>, and the loading text in both languages.
//
// The query bridge. Pyodide runs the page's Python in a Web Worker, whose location is the worker script's, not the
// page's: the kernel cannot see ?lang=, ?scenario=, ?case= or ?regime=. Before Voici starts, this script puts one
// line in front of the page's first code cell that hands the page's URL to widgets.query.set_page_url, so every page
// reads its URL exactly as under Voila (widgets/query.py), before any widget is built. The URL travels
// percent-encoded (letters, digits and - _ . ! ~ * ( ) % only), so nothing in it can leave the Python string it is
// put in; Python decodes it and casebook.share checks every value as it does under Voila.
(function () {
  "use strict";
  var MAX_URL = 20000; // characters; casebook.share reads at most 16,384 of a query
  var el = document.getElementById("jupyter-config-data");
  if (!el) {
    return;
  }
  var config;
  try {
    config = JSON.parse(el.textContent);
  } catch (err) {
    return;
  }
  var cells = (config.notebookSrc && config.notebookSrc.cells) || [];
  var href = encodeURIComponent(String(window.location.href).slice(0, MAX_URL)).replace(/'/g, "%27");
  for (var i = 0; i < cells.length; i++) {
    if (cells[i].cell_type !== "code") {
      continue;
    }
    var source = Array.isArray(cells[i].source) ? cells[i].source.join("") : String(cells[i].source || "");
    cells[i].source = "import widgets.query as _ll_q; _ll_q.set_page_url('" + href + "'); del _ll_q\n" + source;
    break;
  }
  el.textContent = JSON.stringify(config);
})();

// The service worker (ll-service-worker.js at the site's root) keeps the site's files in the browser, so that a second
// visit, or another page, downloads only the page itself.
//
// JupyterLite's own service worker is kept out: where one is registered, its kernel mounts JupyterLite's file
// browser drive and asks the page for every path Python looks at while importing (about 100 synchronous requests,
// some 5 s of the analyzer's start) for files no page reads. Voici offers no setting for it, so JupyterLite is
// shown a browser that refuses its worker; this script keeps the real one for the site's worker.
(function () {
  "use strict";
  var container = navigator.serviceWorker;
  var refused = {
    controller: null,
    register: function () {
      return Promise.reject(new Error("the static edition registers its own service worker (ll-service-worker.js)"));
    },
    getRegistration: function () { return Promise.resolve(undefined); },
    getRegistrations: function () { return Promise.resolve([]); },
    addEventListener: function () {},
    removeEventListener: function () {}
  };
  try {
    Object.defineProperty(navigator, "serviceWorker", { value: refused, configurable: true });
  } catch (err) {
    // a browser that refuses: JupyterLite registers its worker, pages still work (more slowly)
  }
  if (!container || !window.isSecureContext) {
    return;
  }
  var root = document.currentScript ? new URL("../../", document.currentScript.src) : null;
  if (!root) {
    return;
  }
  // Registered once the page's Python has shown its first widget (or after a minute): the worker then fetches every
  // file of the site into its cache, which must not compete with the page's own start.
  var registered = false;
  function register() {
    if (registered) {
      return;
    }
    registered = true;
    container.register(new URL("ll-service-worker.js", root).href, { scope: root.pathname })
      .catch(function (err) { console.warn("service worker not registered:", err); });
  }
  var observer = new MutationObserver(function () {
    if (document.querySelector(".jupyter-widgets")) {
      observer.disconnect();
      setTimeout(register, 2000);
    }
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });
  setTimeout(register, 60000);
})();

// <html lang> names the page's language (WCAG 3.1.1), as the Voila pages' template does: ?lang= first, then the
// mark the kernel puts on the page (widgets/page.py: data-ll-page-lang), which the language switch changes. Looked
// at every 400 ms, not with an observer of the whole page (one slowed the analyzer's fact change under Voila).
(function () {
  "use strict";
  var root = document.documentElement;
  var set = function (lang) { root.lang = lang === "en" ? "en" : "zh-CN"; };
  try { set(new URLSearchParams(window.location.search).get("lang")); } catch (err) { set("zh"); }
  // As in the Voila template: the mark also names the tab (data-ll-page-title), and the language goes into ?lang=.
  var last = null, lastTitle = null;
  window.setInterval(function () {
    var mark = document.querySelector("[data-ll-page-lang]");
    var lang = mark && mark.getAttribute("data-ll-page-lang");
    var title = mark && mark.getAttribute("data-ll-page-title");
    if (title && title !== lastTitle) { lastTitle = title; document.title = title; }
    // ipywidgets writes "description (count)" into an upload button; "(0)" means nothing to a reader (and is read
    // out): the project"s upload buttons (.ll-upload-button) keep their description only.
    var uploads = document.querySelectorAll(".ll-upload-button");
    for (var i = 0; i < uploads.length; i++) {
      var nodes = uploads[i].childNodes;
      for (var j = 0; j < nodes.length; j++) {
        if (nodes[j].nodeType === 3 && / \(\d+\)$/.test(nodes[j].textContent)) {
          nodes[j].textContent = nodes[j].textContent.replace(/ \(\d+\)$/, "");
        }
      }
    }
    if (lang && lang !== last) {
      last = lang; set(lang);
      try {
        var url = new URL(window.location.href);
        if (url.searchParams.get("lang") !== lang) {
          url.searchParams.set("lang", lang);
          window.history.replaceState(window.history.state, "", url.toString());
        }
      } catch (err) { /* the URL stays as it was */ }
    }
  }, 400);
})();

// The share panel"s "copy link" button (widgets/share_panel.py draws it; the kernel cannot run page scripts under
// Voila): copies the link box"s text with the Clipboard API, or else selects it and asks the browser to copy; the
// button then says what happened (its data-copied / data-selected words, in the page"s language).
(function () {
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest && event.target.closest(".ll-copy-link");
    if (!button) return;
    var panel = button.closest(".ll-share") || document;
    var input = panel.querySelector(".ll-share-link input");
    if (!input) return;
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    var say = function (key) {
      button.textContent = button.getAttribute(key) || label;
      window.setTimeout(function () { button.textContent = label; }, 2500);
    };
    var fallback = function () {
      input.focus(); input.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      say(ok ? "data-copied" : "data-selected");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () { say("data-copied"); }, fallback);
    } else {
      fallback();
    }
  });
})();

// The loading text, in both languages (Voici's own is English: "Starting up kernel...", "Executing 2 of 3"), worded
// as the Voila pages' template words it. Python starts in the visitor's browser, which takes a few seconds.
(function () {
  "use strict";
  function show(zhText, enText) {
    var spinner = document.getElementById("loading");
    if (spinner && spinner.style.display === "none") {
      spinner.style.display = "flex";
    }
    var el = document.getElementById("loading_text");
    if (!el) {
      return;
    }
    el.textContent = "";
    el.style.textAlign = "center";
    var zh = document.createElement("span");
    zh.lang = "zh-CN";
    zh.textContent = zhText;
    var en = document.createElement("span");
    en.lang = "en";
    en.style.display = "block";
    en.style.fontSize = "0.8em";
    en.style.fontWeight = "normal";
    en.textContent = enText;
    el.appendChild(zh);
    el.appendChild(en);
  }
  window.update_loading_text = function (index, count) {
    var n = Number(index) || 0, total = Number(count) || 0;
    if (total) {
      show("正在准备页面… (" + n + "/" + total + ")", "Preparing the page… (" + n + "/" + total + ")");
    } else {
      show("正在您的浏览器中启动 Python…", "Starting Python in your browser…");
    }
  };
  show("正在载入…", "Loading…");
})();
