"""The memo's renderings: Markdown, a standalone HTML page, and a Word (DOCX) document, from the one document model
of :mod:`casebook.memo` (a list of blocks ``(kind, payload)``; kinds: h1, h2, h3, p, small, disclaimer, label, meta
(label, text), ul (items), quote (lines), table (headers, rows); every string is plain text and is escaped here).

The Word rendering needs python-docx (and with it lxml, a compiled library): it is imported only when a Word memo is
asked for, so the rest of the tutorial (and the static edition, which has no lxml) never needs it.
"""

from __future__ import annotations

import html
import io
import re
from typing import Any

# --- markdown -------------------------------------------------------------------------------------------------

# Intraword underscores (field ids such as platform_mode) cannot start emphasis in CommonMark: left alone.
_MD_SPECIAL = re.compile(r"([\\`*\[\]#|~]|(?<!\w)_|_(?!\w))")


def _md(text: Any) -> str:
    """Plain text made inert in Markdown: angle brackets and ampersands as entities (no renderer reads a tag in
    them), other specials backslash-escaped, line breaks flattened."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " ")


def _md_cell(text: Any) -> str:
    return _md(text) or " "


def render_markdown(blocks, lang: str) -> str:
    out: list[str] = []
    for kind, payload in blocks:
        if kind in ("h1", "h2", "h3"):
            out += ["#" * int(kind[1]) + " " + _md(payload), ""]
        elif kind == "p":
            out += [_md(payload), ""]
        elif kind == "small":
            out += ["*" + _md(payload) + "*", ""]
        elif kind == "disclaimer":
            out += ["> **" + _md(payload) + "**", ""]
        elif kind == "label":
            out += ["**" + _md(payload) + "**", ""]
        elif kind == "meta":
            label, text = payload
            out += [f"**{_md(label)}**：{_md(text)}" if lang == "zh" else f"**{_md(label)}:** {_md(text)}", ""]
        elif kind == "ul":
            out += [f"- {_md(item)}" for item in payload] + [""]
        elif kind == "quote":
            for i, line in enumerate(payload):
                out.append("> " + _md(line))
                if i < len(payload) - 1:
                    out.append(">")
            out.append("")
        elif kind == "table":
            headers, rows = payload
            out.append("| " + " | ".join(_md_cell(h) for h in headers) + " |")
            out.append("|" + "|".join("---" for _ in headers) + "|")
            for row in rows:
                out.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# --- HTML -----------------------------------------------------------------------------------------------------

CSS = """
:root { color-scheme: light; }
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", Georgia, serif; line-height: 1.6;
       color: #111; background: #fff; margin: 0; }
main { max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.6rem; border-bottom: 2px solid #111; padding-bottom: .3rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #999; }
h3 { font-size: 1.05rem; margin-top: 1.2rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid #888; padding: .3rem .45rem; vertical-align: top; text-align: left; }
th { background: #eee; }
blockquote { margin: .4rem 0 .8rem; padding: .2rem .9rem; border-left: 3px solid #888; background: #f7f7f7; }
blockquote p { margin: .3rem 0; }
.small { font-size: .85rem; color: #333; }
.disclaimer { border: 1px solid #111; padding: .5rem .8rem; }
@page { size: A4; margin: 18mm 16mm; }
@media print {
  main { max-width: none; margin: 0; padding: 0; }
  h2 { break-after: avoid; }
  table, blockquote { break-inside: avoid; }
  th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def render_html(blocks, lang: str, title: str) -> str:
    body: list[str] = []
    for kind, payload in blocks:
        if kind in ("h1", "h2", "h3"):
            body.append(f"<{kind}>{_e(payload)}</{kind}>")
        elif kind == "p":
            body.append(f"<p>{_e(payload)}</p>")
        elif kind == "small":
            body.append(f'<p class="small">{_e(payload)}</p>')
        elif kind == "meta":
            label, text = payload
            sep = "：" if lang == "zh" else ": "
            body.append(f"<p><strong>{_e(label)}</strong>{sep}{_e(text)}</p>")
        elif kind == "disclaimer":
            body.append(f'<p class="disclaimer">{_e(payload)}</p>')
        elif kind == "label":
            body.append(f'<p class="label"><strong>{_e(payload)}</strong></p>')
        elif kind == "ul":
            body.append("<ul>" + "".join(f"<li>{_e(i)}</li>" for i in payload) + "</ul>")
        elif kind == "quote":
            body.append("<blockquote>" + "".join(f"<p>{_e(line)}</p>" for line in payload) + "</blockquote>")
        elif kind == "table":
            headers, rows = payload
            head = "".join(f'<th scope="col">{_e(h)}</th>' for h in headers)
            rows_html = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows_html}</tbody></table>")
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="Platform Liability Lab">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )


# --- Word -----------------------------------------------------------------------------------------------------


def docx_available() -> bool:
    """Whether a Word memo can be made here (python-docx and lxml importable; not in the static edition)."""
    try:
        import docx  # noqa: F401
    except ImportError:
        return False
    return True


def render_docx(blocks, lang: str, title: str) -> bytes:
    """The memo as a Word document (bytes of a .docx). ImportError where python-docx is not installed."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    document.core_properties.title = title[:250]
    document.core_properties.language = "zh-CN" if lang == "zh" else "en"
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    # East Asian text needs an East Asian font named, or Word falls back to one that may lack the characters.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")
    for kind, payload in blocks:
        if kind in ("h1", "h2", "h3"):
            document.add_heading(_xml_safe(payload), level=int(kind[1]) - 1)  # h1 as the document's title
        elif kind == "p":
            document.add_paragraph(_xml_safe(payload))
        elif kind == "small":
            run = document.add_paragraph().add_run(_xml_safe(payload))
            run.font.size = Pt(9)
        elif kind == "disclaimer":
            document.add_paragraph().add_run(_xml_safe(payload)).bold = True
        elif kind == "label":
            document.add_paragraph().add_run(_xml_safe(payload)).bold = True
        elif kind == "meta":
            label, text = payload
            para = document.add_paragraph()
            para.add_run(_xml_safe(label) + ("：" if lang == "zh" else ": ")).bold = True
            para.add_run(_xml_safe(text))
        elif kind == "ul":
            for item in payload:
                document.add_paragraph(_xml_safe(item), style="List Bullet")
        elif kind == "quote":
            for line in payload:
                document.add_paragraph(_xml_safe(line), style="Quote")
        elif kind == "table":
            headers, rows = payload
            table = document.add_table(rows=1, cols=len(headers))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, headers):
                cell.text = ""
                cell.paragraphs[0].add_run(_xml_safe(text)).bold = True
            for row in rows:
                for cell, text in zip(table.add_row().cells, row):
                    cell.text = _xml_safe(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: Any) -> str:
    """Text Word can hold: characters XML 1.0 forbids (control characters a user may paste) dropped."""
    return _NOT_XML.sub("", str(text))
