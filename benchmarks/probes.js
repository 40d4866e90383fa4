// The benchmark's probes: functions run in the measured page (Playwright's page.evaluate and
// page.wait_for_function). Each starts at a "// @probe NAME" line; benchmarks/measure.py loads them as NAME_JS.

// @probe READY
// Ready. "hooks": a visible fact control (the one the benchmark will change, or any) and a visible outcome with its
// form. "widgets" (a page without those hooks): every widget output of the page rendered.
([field, mode, count]) => {
  const vis = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  if (mode === 'widgets') {
    const shown = [...document.querySelectorAll('.jp-OutputArea-output')]
        .filter((o) => vis(o.querySelector('.jupyter-widgets'))).length;
    if (!shown || shown < (count || 1)) return false;
    return {t: performance.now(), controls: 0, outcomes: 0, widgets: shown};
  }
  const outs = [...document.querySelectorAll('.ll-outcome[data-liability-form]')]
      .filter((e) => vis(e) && e.getAttribute('data-liability-form') !== '');
  if (!outs.length) return false;
  const isFact = (c) => /^ll-fact-[a-z_]+$/.test(c) && !['ll-fact-panel', 'll-fact-status'].includes(c);
  let controls = [...document.querySelectorAll('[class*="ll-fact-"]')]
      .filter((e) => [...e.classList].some(isFact))
      .map((e) => e.querySelector('select, input, textarea, button') || e)
      .filter(vis);
  if (field) controls = controls.filter((e) => e.closest('.ll-fact-' + field));
  if (!controls.length) return false;
  return {t: performance.now(), controls: controls.length, outcomes: outs.length};
}

// @probe HOOKS
// What the page shows of the hooks, once it has settled: does it have an outcome and fact controls?
() => ({outcomes: document.querySelectorAll('.ll-outcome[data-liability-form]').length,
        facts: document.querySelectorAll('[class*="ll-fact-"] select, [class*="ll-fact-"] input').length,
        widgets: [...document.querySelectorAll('.jp-OutputArea-output')]
            .filter((o) => { const w = o.querySelector('.jupyter-widgets'); return w && w.getClientRects().length; })
            .length})

// @probe SELECTS
// Every select fact control: field, option labels, the selected index. Then, for a page without fact controls (a
// chapter that asks something else: a tier, a decision, an exercise set), every other control of the page's own
// (a widget with an ll-* class, the language switch aside): its selects, then its toggle buttons. Such a control is
// named by its class ("ll-safety-tier") where a fact control is named by its field.
() => {
  const facts = [...document.querySelectorAll('[class*="ll-fact-"]')].flatMap((e) => {
    const cls = [...e.classList].find((c) => /^ll-fact-[a-z_]+$/.test(c) && !['ll-fact-panel', 'll-fact-status'].includes(c));
    const sel = e.querySelector('select');
    if (!cls || !sel || sel.disabled) return [];
    return [{field: cls.slice(8), options: [...sel.options].map((o) => o.textContent), index: sel.selectedIndex}];
  });
  const root = document.getElementById('rendered_cells') || document.body;
  const own = (e) => [...e.classList].find((c) => /^ll-[a-z0-9-]+$/.test(c) && !/^ll-(fact|lang|buttons|controls)/.test(c));
  const controls = [];
  for (const e of root.querySelectorAll('.widget-dropdown, .widget-toggle-buttons')) {
    const cls = own(e);
    if (!cls || e.closest('[class*="ll-fact-"]')) continue;
    const sel = e.querySelector('select');
    if (sel && !sel.disabled) {
      controls.push({field: cls, options: [...sel.options].map((o) => o.textContent), index: sel.selectedIndex});
    } else if (!sel) {
      const buttons = [...e.querySelectorAll('button')];
      if (buttons.length > 1) controls.push({field: cls, options: buttons.map((b) => b.textContent),
                                             index: buttons.findIndex((b) => b.classList.contains('mod-active'))});
    }
  }
  return facts.length ? facts : controls;
}

// @probe CHANGE
// One fact change, timed in the page: change event -> the outcome's form differs -> next painted frame.
// Then keeps watching until the page has been still for `still` ms: `settle` is when it last changed.
// `phase` (a fraction of a frame, or null): start the change that far into the display's frame, not at whatever
// moment the call arrives. The wait from the outcome reaching the DOM to the frame that paints it is 0 to one frame
// (16.7 ms at 60 Hz) and depends only on where in the frame the change began; left to chance, it is the largest
// part of a change's spread. Every page and the floor are given the same evenly spread phases (measure_load), so
// they sample that wait alike and the figure is its average, not a lottery. The frame is timed by two
// animation frames; the start is then held by a busy wait, to well under a millisecond.
async ([field, index, timeout, still, watch, phase]) => {
  // A fact control (.ll-fact-<field>) or another control of the page (its class, ll-...): a select, or toggle buttons.
  const box = document.querySelector(field.startsWith('ll-') ? '.' + field : '.ll-fact-' + field);
  const select = box && box.querySelector('select');
  const buttons = box && !select ? [...box.querySelectorAll('button')] : [];
  if (!select && !buttons[index]) return {error: 'no control for ' + field};
  const sel = box;  // the control itself: its own changes are not the page's answer
  // watch 'outcome': the outcome's form must change; 'page' (a page without an outcome display): anything the
  // page shows changes, other than the select itself.
  let changes = 0;
  const forms = watch === 'page'
      ? () => String(changes)
      : () => [...document.querySelectorAll('.ll-outcome[data-liability-form]')]
          .map((e) => e.getAttribute('data-liability-form')).join('|');
  const before = forms();
  const root = document.getElementById('rendered_cells') || document.body;
  let period = null, frameAt = null;
  if (typeof phase === 'number' && phase >= 0 && phase < 1) {
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    const a = await frame(), b = await frame();
    period = b - a;
    if (!(period > 4 && period < 50)) period = 1000 / 60;
    await new Promise((r) => setTimeout(r, 0));  // let the frame of b finish
    frameAt = b;
    let target = b + phase * period;
    while (target < performance.now() + 0.3) target += period;
    while (performance.now() < target) { /* hold the start to the phase */ }
  }
  return await new Promise((resolve) => {
    let t0 = 0, outcome = null, dom = null, last = 0, done = false;
    const finish = (extra) => {
      if (done) return; done = true; mo.disconnect();
      resolve(Object.assign({outcome_ms: outcome, dom_ms: dom, settle_ms: last ? last - t0 : null, before,
                             after: forms(), frame_ms: period,
                             start_phase: period ? ((t0 - frameAt) % period) / period : null},
                            extra || {}));
    };
    const mo = new MutationObserver((records) => {
      last = performance.now();
      if (records.some((r) => !sel.contains(r.target))) changes += 1;
      if (outcome === null && forms() !== before) {
        if (dom === null) dom = performance.now() - t0;
        requestAnimationFrame(() => { if (outcome === null) outcome = performance.now() - t0; });
      }
    });
    mo.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
    const poll = () => {
      if (done) return;
      const now = performance.now();
      if (outcome !== null && now - last >= still) return finish();
      if (now - t0 > timeout) return finish({timed_out: true});
      setTimeout(poll, 25);
    };
    t0 = performance.now();
    last = t0;
    if (select) {
      select.selectedIndex = index;
      select.dispatchEvent(new Event('change', {bubbles: true}));
    } else {
      buttons[index].click();
    }
    setTimeout(poll, 25);
  });
}

// @probe FAILED_PAGE
// What a page that never became interactive shows: the start of its text, how many outputs and rendered widgets it
// has, whether the loading display or a widget error is still there, and whether the hooks exist at all.
() => ({text: (document.body ? document.body.innerText : '').replace(/\s+/g, ' ').slice(0, 240),
        outputs: document.querySelectorAll('.jp-OutputArea-output').length,
        widgets: document.querySelectorAll('.jupyter-widgets').length,
        widget_errors: document.querySelectorAll('.jupyter-widgets.widget-error, .widget-error').length,
        loading: [...document.querySelectorAll('#loading')].some((e) => e.getClientRects().length > 0),
        outcomes: document.querySelectorAll('.ll-outcome[data-liability-form]').length,
        facts: document.querySelectorAll('[class*="ll-fact-"] select').length})

// @probe KERNEL_ID
() => { const el = document.getElementById('jupyter-config-data');
        try { return JSON.parse(el.textContent).kernelId || null; } catch (e) { return null; } }

// @probe SHUTDOWN
async () => {
  const cfg = JSON.parse(document.getElementById('jupyter-config-data').textContent);
  const m = document.cookie.match('\\b_xsrf=([^;]*)\\b');
  const body = new FormData();
  body.append('_xsrf', (m && m[1]) || '');
  const r = await fetch(cfg.baseUrl + 'voila/api/shutdown/' + cfg.kernelId, {method: 'POST', body});
  return r.status;
}
