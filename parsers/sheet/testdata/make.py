#!/usr/bin/env python3
"""Writes the customer-style order sheets in layouts/ with LibreOffice.

Each layout below is a workbook as a customer makes one: letterheads,
address blocks, labels in their language, number formats of their locale,
totals, hidden and extra sheets. The script writes each as flat ODF
(.fods), has LibreOffice (soffice --headless --convert-to) save it as the
customer would (XLSX, or CSV in the customer's encoding and delimiter), and
writes the lines the customer meant, from the same description and not
from the parser, as NAME.json beside it. Run it from this folder:

    python3 make.py          # needs soffice (Debian: apt-get install libreoffice-calc)

The files are committed; the tests never run LibreOffice.
"""
import json, os, shutil, subprocess, sys, tempfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "layouts")

# Cell kinds: a str is text; an int or float a number in the General
# format; T(x) a number typed as text; N(x, style) a number with a number
# format; D("2024-11-28", style) a date; F(formula, value, style) a formula.
class T(str): pass
class N:
    def __init__(s, v, style): s.v, s.style = v, style
class D:
    def __init__(s, v, style="dmy"): s.v, s.style = v, style
class F:
    def __init__(s, f, v, style=None): s.f, s.v, s.style = f, v, style

NUMBER_STYLES = """
<number:number-style style:name="Nsv2" number:language="sv" number:country="SE"><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1" number:grouping="true"/></number:number-style>
<number:number-style style:name="Nde2" number:language="de" number:country="DE"><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1" number:grouping="true"/></number:number-style>
<number:number-style style:name="Nen2" number:language="en" number:country="GB"><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1" number:grouping="true"/></number:number-style>
<number:number-style style:name="Nint" number:language="en" number:country="GB"><number:number number:decimal-places="0" number:min-integer-digits="1" number:grouping="true"/></number:number-style>
<number:number-style style:name="N5" ><number:number number:decimal-places="0" number:min-integer-digits="5"/></number:number-style>
<number:number-style style:name="N13" ><number:number number:decimal-places="0" number:min-integer-digits="13"/></number:number-style>
<number:date-style style:name="Ndmy" number:language="de" number:country="DE"><number:day number:style="long"/><number:text>.</number:text><number:month number:style="long"/><number:text>.</number:text><number:year number:style="long"/></number:date-style>
<number:date-style style:name="Niso"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>
<number:date-style style:name="Nslash" number:language="en" number:country="GB"><number:day number:style="long"/><number:text>/</number:text><number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/></number:date-style>
"""
CELL_STYLES = {"sv2": "Nsv2", "de2": "Nde2", "en2": "Nen2", "int": "Nint", "00000": "N5", "gtin": "N13",
               "dmy": "Ndmy", "iso": "Niso", "slash": "Nslash"}

def cell_xml(c):
    if c is None or c == "":
        return "<table:table-cell/>"
    if isinstance(c, T):
        return '<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>' % escape(c)
    if isinstance(c, str):
        return '<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>' % escape(c)
    if isinstance(c, bool):
        raise ValueError(c)
    if isinstance(c, (int, float)):
        return '<table:table-cell office:value-type="float" office:value="%s"><text:p>%s</text:p></table:table-cell>' % (c, c)
    if isinstance(c, N):
        return '<table:table-cell table:style-name="c%s" office:value-type="float" office:value="%s"><text:p>%s</text:p></table:table-cell>' % (c.style, c.v, c.v)
    if isinstance(c, D):
        return '<table:table-cell table:style-name="c%s" office:value-type="date" office:date-value="%s"><text:p>%s</text:p></table:table-cell>' % (c.style, c.v, c.v)
    if isinstance(c, F):
        st = ' table:style-name="c%s"' % c.style if c.style else ""
        return '<table:table-cell%s table:formula="%s" office:value-type="float" office:value="%s"><text:p>%s</text:p></table:table-cell>' % (st, escape(c.f, {'"': "&quot;"}), c.v, c.v)
    raise ValueError(repr(c))

def fods(sheets, null_date=None):
    styles = NUMBER_STYLES + "".join(
        '<style:style style:name="c%s" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="%s"/>' % (k, v)
        for k, v in CELL_STYLES.items())
    styles += '<style:style style:name="hidden" style:family="table"><style:table-properties table:display="false"/></style:style>'
    body = []
    if null_date:
        body.append('<table:calculation-settings><table:null-date table:date-value="%s"/></table:calculation-settings>' % null_date)
    for sh in sheets:
        attr = ' table:style-name="hidden"' if sh.get("hidden") else ""
        rows = "".join("<table:table-row>%s</table:table-row>" % ("".join(cell_xml(c) for c in r) or "<table:table-cell/>") for r in sh["rows"])
        body.append('<table:table table:name="%s"%s>%s</table:table>' % (escape(sh["name"]), attr, rows))
    return """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:automatic-styles>%s</office:automatic-styles>
<office:body><office:spreadsheet>%s</office:spreadsheet></office:body></office:document>
""" % (styles, "".join(body))

# CSV targets: LibreOffice's filter options (field separator, text
# delimiter, character set: 76 UTF-8, 1 Windows-1252, 65535 UTF-16).
CSV_FILTERS = {
    "csv-semicolon-1252": 'csv:Text - txt - csv (StarCalc):59,34,1,1',
    "csv-comma-utf8": 'csv:Text - txt - csv (StarCalc):44,34,76,1',
    "csv-tab-utf16": 'csv:Text - txt - csv (StarCalc):9,34,65535,1',
    "csv-pipe-utf8": 'csv:Text - txt - csv (StarCalc):124,34,76,1',
}

def L(item=None, qty=None, unit=None, price=None, desc=None, supplier=None, gtin=None, line=None, date=None):
    d = {"quantity": qty}
    for k, v in (("buyer_item", item), ("supplier_item", supplier), ("gtin", gtin), ("description", desc),
                 ("unit", unit), ("unit_price", price), ("line_no", line), ("delivery_date", date)):
        if v is not None:
            d[k] = v
    return d

LAYOUTS = []
def layout(name, target, sheets, orders, null_date=None, note=""):
    LAYOUTS.append(dict(name=name, target=target, sheets=sheets, orders=orders, null_date=null_date, note=note))

from layouts_def import define  # the layouts themselves
define(layout, L, T, N, D, F)

def main():
    if not shutil.which("soffice"):
        sys.exit("make.py needs soffice (LibreOffice): apt-get install libreoffice-calc")
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for lo in LAYOUTS:
            src = os.path.join(tmp, lo["name"] + ".fods")
            with open(src, "w", encoding="utf-8") as f:
                f.write(fods(lo["sheets"], lo["null_date"]))
            if lo["target"] == "xlsx":
                conv, ext = "xlsx:Calc MS Excel 2007 XML", "xlsx"
            else:
                conv, ext = CSV_FILTERS[lo["target"]], "csv"
            subprocess.run(["soffice", "--headless", "-env:UserInstallation=file://" + tmp + "/profile",
                            "--convert-to", conv, "--outdir", OUT, src], check=True, stdout=subprocess.DEVNULL)
            golden = {"file": lo["name"] + "." + ext, "note": lo["note"], "orders": lo["orders"]}
            with open(os.path.join(OUT, lo["name"] + ".json"), "w", encoding="utf-8") as f:
                json.dump(golden, f, ensure_ascii=False, indent=1)
                f.write("\n")
            print("wrote", lo["name"] + "." + ext)

if __name__ == "__main__":
    main()
