"""The analyzer's small style sheet: large type for a projector at 1280x720, no sideways scrolling.

Components carry ``ll-*`` classes; this sheet, placed once on the page by :func:`style_widget`, styles them.
Without it they still read as plain HTML.
"""

from __future__ import annotations

from .controls import Display

CSS = """
/* the page's own narrative (notebook Markdown) at the same projector size */
.jp-RenderedMarkdown.jp-RenderedHTMLCommon { font-size: 17px; line-height: 1.6; max-width: 1500px; }
.jp-RenderedMarkdown.jp-RenderedHTMLCommon h1 { font-size: 28px; }
.ll-app { font-size: 17px; line-height: 1.5; color: #1b1b1b; width: 100%; max-width: 1500px; box-sizing: border-box;
  --jp-widgets-font-size: 16px; --jp-widgets-inline-height: 34px; --jp-widgets-label-color: #1b1b1b; }
.ll-app * { box-sizing: border-box; }
.ll-app .widget-html-content, .ll-app .widget-label, .ll-app .widget-label-basic { font-size: 16px; line-height: 1.45; }
.ll-app h1.ll-h1 { font-size: 28px; margin: 4px 0; line-height: 1.2; }
.ll-app .ll-h2 { font-size: 23px; margin: 6px 0 2px; }
.ll-app .ll-h3 { font-size: 20px; margin: 10px 0 4px; color: #0f2f5c; }
.ll-app .ll-h4 { font-size: 17px; margin: 10px 0 4px; font-weight: 700; display: block; }
.ll-app .ll-lead { margin: 0 0 6px; color: #333; }
.ll-app .ll-empty { color: #555; font-style: italic; }
.ll-header { width: 100%; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px 20px;
  border-bottom: 2px solid #1a4480; padding-bottom: 6px; margin-bottom: 6px; }
.ll-header-controls { flex-wrap: wrap; align-items: center; gap: 6px 18px; }
.ll-app .ll-regime select { min-width: 16em; font-size: 16px; }
.ll-app .ll-lang { display: flex; align-items: center; gap: 8px; }
.ll-app .ll-lang > .widget-label { margin: 0; font-weight: 600; line-height: 34px; }
.ll-app .ll-lang button { font-size: 16px; min-width: 5.5em; height: 34px; }
.ll-app .ll-regime > .widget-label { font-weight: 600; }
.ll-app .ll-cases-accordion { width: 100%; margin-bottom: 12px; }
.ll-app .ll-cases-accordion .lm-AccordionPanel-title, .ll-app .ll-cases-accordion .jupyter-widget-Collapse-header
  { font-size: 17px; font-weight: 700; padding: 8px 12px; color: #0f2f5c; }
.ll-status .ll-message { background: #fff4e5; border-left: 5px solid #b35900; padding: 6px 10px; margin: 4px 0;
  color: #4d2600; font-size: 16px; }
.ll-status .ll-info { background: #eef4fb; border-left: 5px solid #1a4480; padding: 6px 10px; margin: 4px 0; }
.ll-main { width: 100%; flex-wrap: wrap; align-items: flex-start; gap: 16px; }
.ll-col-facts { flex: 1 1 420px; max-width: 500px; min-width: 300px; padding-right: 4px; }
.ll-col-results { flex: 999 1 560px; min-width: 300px; }
.ll-card { width: 100%; border: 1px solid #c7ccd4; border-radius: 8px; padding: 6px 14px 10px; margin: 0 0 14px;
  background: #fff; overflow-x: auto; }
/* fact panel: label above its control, help under it */
.ll-fact-panel { width: 100%; }
.ll-group { border-top: 2px solid #d5dbe5; margin-top: 4px; padding-top: 2px; width: 100%; }
.ll-field { width: 100%; margin: 2px 0 8px; }
.ll-app .ll-field .widget-inline-hbox { flex-wrap: wrap; height: auto; width: 100%; }
.ll-app .ll-field .widget-inline-hbox > .widget-label { width: 100% !important; max-width: 100%; text-align: left;
  white-space: normal; font-weight: 600; line-height: 1.35; height: auto; margin: 0 0 2px; padding: 0; }
.ll-app .ll-field select, .ll-app .ll-field input[type="number"] { flex: 1 1 auto; min-width: 0; font-size: 16px;
  height: 34px; }
.ll-app .ll-field .widget-checkbox { height: auto; min-height: 30px; }
.ll-app .ll-field .widget-checkbox label, .ll-app .ll-field .widget-checkbox .widget-label-basic { white-space: normal;
  font-weight: 600; height: auto; line-height: 1.35; align-items: flex-start; }
.ll-app .ll-field input[type="checkbox"] { width: 20px; height: 20px; margin: 2px 8px 0 0; flex: none; }
.ll-help-text { font-size: 14.5px; color: #3d3d3d; line-height: 1.4; }
.ll-assumption { font-size: 14.5px; background: #fffbe6; border-left: 4px solid #a67c00; padding: 3px 8px; margin-top: 3px; }
.ll-badge { display: inline-block; font-size: 13.5px; font-weight: 700; padding: 0 7px; border-radius: 10px;
  border: 1px solid currentColor; margin: 0 2px; line-height: 1.5; white-space: nowrap; }
.ll-badge-assumption { color: #7a5b00; }
.ll-badge-current { color: #1a4480; }
.ll-badge-decisive { color: #0b5d1e; }
.ll-badge-displaced { color: #8a1c1c; }
.ll-badge-addition { color: #5a3d8a; }
/* outcome */
.ll-outcome { border: 3px solid #1a4480; border-radius: 10px; padding: 10px 18px 12px; background: #f5f8fc; }
.ll-outcome .ll-kicker { font-size: 15px; text-transform: none; color: #333; font-weight: 600; }
.ll-outcome .ll-form-name { font-size: 30px; font-weight: 800; line-height: 1.2; margin: 2px 0 6px; color: #0f2f5c; }
.ll-outcome .ll-summary { font-size: 19px; margin: 4px 0 8px; }
.ll-outcome .ll-hint { font-size: 17px; font-weight: 600; background: #fff4e5; border-left: 5px solid #b35900;
  padding: 4px 10px; }
.ll-outcome .ll-basis { font-size: 17px; margin: 6px 0; }
.ll-outcome .ll-label { font-weight: 700; }
.ll-money { border-collapse: collapse; width: 100%; max-width: 760px; margin: 4px 0; }
.ll-money caption { text-align: left; font-size: 16px; padding: 2px 0; }
.ll-money th, .ll-money td { border-bottom: 1px dotted #99a; padding: 3px 6px 3px 0; text-align: left;
  font-weight: normal; font-size: 17px; }
.ll-money td.ll-num { text-align: right; font-weight: 700; white-space: nowrap; font-variant-numeric: tabular-nums; }
.ll-money tr.ll-money-platform td, .ll-money tr.ll-money-unrecovered td { font-size: 20px; }
.ll-money tr.ll-money-platform th, .ll-money tr.ll-money-unrecovered th { font-weight: 700; }
.ll-note-line { font-size: 15.5px; margin: 6px 0 0; }
/* tables */
.ll-table-wrap { width: 100%; overflow-x: auto; }
.ll-table { border-collapse: collapse; width: 100%; font-size: 15.5px; }
.ll-table th, .ll-table td { border-bottom: 1px solid #d0d5dd; padding: 4px 8px; text-align: left; vertical-align: top; }
.ll-table thead th { background: #eef1f6; font-size: 14.5px; line-height: 1.3; }
.ll-compare-table thead th:nth-child(n+3) { min-width: 5.2em; }
.ll-table td.ll-num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.ll-table tr.ll-current { background: #e3ecf9; outline: 2px solid #1a4480; }
.ll-table tr.ll-alt th, .ll-table tr.ll-alt td { font-size: 14.5px; color: #333; background: #fafafa; }
.ll-table tr.ll-alt .ll-reading { font-size: 13.5px; }
.ll-sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
/* trace */
.ll-trace { padding-left: 1.6em; margin: 4px 0; }
.ll-step { margin: 0 0 10px; padding: 4px 8px; border-left: 4px solid #b9bec7; }
.ll-step.ll-held { border-left-color: #0b5d1e; }
.ll-step.ll-decisive { background: #f0f7f1; }
.ll-step .ll-mark { font-weight: 800; white-space: nowrap; }
.ll-step.ll-held .ll-mark { color: #0b5d1e; }
.ll-step.ll-not-held .ll-mark { color: #6b6b6b; }
.ll-step .ll-reason { margin: 2px 0; }
.ll-step .ll-cite { font-size: 15px; color: #333; }
.ll-article { margin: 4px 0 2px; font-size: 15.5px; }
.ll-article summary { cursor: pointer; color: #1a4480; font-weight: 600; }
.ll-verbatim, .ll-english { margin: 4px 0; padding: 6px 12px; border-left: 4px solid #3b5b92; background: #f4f6fa;
  white-space: pre-line; }
.ll-english { border-left-color: #8a8f99; background: #f7f7f7; }
.ll-verbatim-label { font-size: 14px; font-weight: 700; color: #333; margin-top: 4px; }
.ll-source { font-size: 13.5px; color: #444; margin: 0 0 4px; word-break: break-word; }
/* payments chart */
.ll-legend { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 4px 0; font-size: 15.5px; }
.ll-key { display: inline-flex; align-items: center; gap: 6px; }
.ll-swatch { display: inline-block; width: 18px; height: 14px; border: 1px solid #333; }
.ll-seg-seller { background: #2b6cb0; }
.ll-seg-platform { background: #dd6b20; }
.ll-seg-unrecovered { background: repeating-linear-gradient(45deg, #9aa1ab 0 4px, #e2e5ea 4px 8px); }
.ll-chart { margin: 6px 0 10px; }
.ll-bar-head, .ll-bar-row { display: grid; grid-template-columns: 7.5em 1fr 6.5em; align-items: center; gap: 8px; }
.ll-bar-head { font-size: 13.5px; color: #333; }
.ll-bar-row { min-height: 22px; margin: 2px 0; }
.ll-bar-label { font-size: 15px; font-variant-numeric: tabular-nums; white-space: nowrap; }
.ll-bar { display: flex; height: 18px; background: #fff; border: 1px solid #888; }
.ll-seg { display: block; height: 100%; }
.ll-bar-text { font-size: 15px; text-align: right; font-variant-numeric: tabular-nums; }
.ll-bar-current .ll-bar { outline: 3px solid #1b1b1b; }
.ll-now { font-weight: 700; }
.ll-invalid .ll-bar-text { grid-column: 2 / 4; text-align: left; color: #555; font-size: 14px; }
.ll-data-table summary { cursor: pointer; color: #1a4480; font-size: 15px; }
.ll-hint { font-weight: 600; }
.ll-list { margin: 2px 0 6px; padding-left: 1.4em; }
.ll-footer { font-size: 14.5px; color: #333; border-top: 1px solid #c7ccd4; margin-top: 8px; padding-top: 4px; }
"""


def style_widget() -> Display:
    """An HTML widget holding the style sheet; put it once on the page."""
    html = Display(value=f"<style>{CSS}</style>")
    html.add_class("ll-style")
    return html
