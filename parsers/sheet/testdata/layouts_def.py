"""The customer layouts make.py writes; see make.py for the cell kinds."""


def define(layout, L, T, N, D, F):
    # 1. A Swedish wholesaler's order: logo and address rows, labels with
    # colons, item numbers typed as text with leading zeros, prices in the
    # Swedish number format, Summa, Moms and Att betala rows.
    layout("01-sv-grossist", "xlsx", [{"name": "Beställning", "rows": [
        ["Restaurang Solsidan AB"], ["Storgatan 12"], ["123 45 Stockholm"], [],
        ["Ordernr:", "SO-24-1187", "", "Datum:", D("2024-11-25", "iso")],
        ["Kundnr:", T("10001")], [],
        ["Art.nr", "Benämning", "Antal", "Enhet", "À-pris", "Summa"],
        [T("00123"), "Kaffe mörkrost 1 kg", 12, "st", N(149.5, "sv2"), F("of:=[.C9]*[.E9]", 1794, "sv2")],
        [T("004512"), "Servetter vita", 3, "kart", N(289, "sv2"), F("of:=[.C10]*[.E10]", 867, "sv2")],
        [T("7710"), "Pappersmuggar 8oz", 1200, "st", N(0.85, "sv2"), F("of:=[.C11]*[.E11]", 1020, "sv2")],
        [],
        ["", "", "", "", "Summa", F("of:=SUM([.F9:.F11])", 3681, "sv2")],
        ["", "", "", "", "Moms 25%", N(920.25, "sv2")],
        ["", "", "", "", "Att betala", N(4601.25, "sv2")],
    ]}], [dict(po_number="SO-24-1187", order_date="2024-11-25", customer_number="10001", lines=[
        L("00123", 12, "PCE", "149.5", "Kaffe mörkrost 1 kg"),
        L("004512", 3, "CT", "289", "Servetter vita"),
        L("7710", 1200, "PCE", "0.85", "Pappersmuggar 8oz")])],
        note="letterhead, labels with colons, text item numbers with leading zeros, Swedish number format, total rows")

    # 2. Norwegian: the order number to the right of a logo row, the
    # delivery date as a date cell.
    layout("02-no-varenr", "xlsx", [{"name": "Bestilling", "rows": [
        ["Kantine Fjord AS", "", "", "Bestillingsnummer", "B-55021"],
        ["Havnegata 3, 0150 Oslo"], [],
        ["Leveringsdato", D("2024-12-03")], [],
        ["Varenr", "Varebetegnelse", "Antall", "Enhet", "Pris"],
        ["NO-1001", "Melk lett 1 l", 24, "stk", 18.9],
        ["NO-1002", "Smør 500 g", 10, "stk", 42.5],
    ]}], [dict(po_number="B-55021", delivery_date="2024-12-03", lines=[
        L("NO-1001", 24, "PCE", "18.9", "Melk lett 1 l"), L("NO-1002", 10, "PCE", "42.5", "Smør 500 g")])],
        note="order number beside the letterhead, date cell")

    # 3. Danish with a delivery address block under its label.
    layout("03-da-varenummer", "xlsx", [{"name": "Ordre", "rows": [
        ["Ordrenr", "DK-3301"], [],
        ["Leveringsadresse"], ["Café Havnen ApS"], ["Nyhavn 17"], ["1051 København K"], ["Danmark"], [],
        ["Varenummer", "Beskrivelse", "Antal", "Enhed", "Stykpris", "Beløb"],
        ["DK-77", "Rugbrød", 8, "stk", N(32, "de2"), N(256, "de2")],
        ["DK-78", "Hvedeknækbrød", 4, "pk", N(21.5, "de2"), N(86, "de2")],
        ["", "", "", "", "I alt", N(342, "de2")],
    ]}], [dict(po_number="DK-3301", ship_to=dict(name="Café Havnen ApS", address="Nyhavn 17", postcode="1051",
                                                 city="København K", country="DK"), lines=[
        L("DK-77", 8, "PCE", "32", "Rugbrød"), L("DK-78", 4, "PK", "21.5", "Hvedeknækbrød")])],
        note="address block under its label, I alt total row")

    # 4. Finnish, delivery week.
    layout("04-fi-tuotenumero", "xlsx", [{"name": "Tilaus", "rows": [
        ["OSTOTILAUS"], ["Tilausnumero:", "FI-2024-118"], ["Tilauspäivä:", D("2024-11-20", "dmy")],
        ["Toimituspäivä:", "viikko 49"], [],
        ["Tuotenumero", "Nimike", "Määrä", "Yksikkö", "Hinta"],
        [T("0451"), "Ruisleipä", 30, "kpl", 2.9],
        [T("0452"), "Kahvi 500 g", 6, "ltk", 44],
        ["", "Yhteensä", "", "", 351],
    ]}], [dict(po_number="FI-2024-118", order_date="2024-11-20", delivery_date="2024-12-02", lines=[
        L("0451", 30, "PCE", "2.9", "Ruisleipä"), L("0452", 6, "CT", "44", "Kahvi 500 g")])],
        note="Finnish labels, delivery week viikko 49 (its Monday), Yhteensä row")

    # 5. German with positions, ME, Kundennr. and a KW delivery week.
    layout("05-de-bestellung", "xlsx", [{"name": "Bestellung", "rows": [
        ["Hotel Seeblick GmbH"], ["Seestraße 4"], ["D-82319 Starnberg"], [],
        ["Bestellnummer:", "4500012345"], ["Kundennr.:", "10002"], ["Liefertermin:", "KW 50/2024"], [],
        ["Pos.", "Artikel-Nr.", "Bezeichnung", "Menge", "ME", "Einzelpreis", "Gesamtpreis"],
        [10, "A-100", "Kaffeebohnen 1 kg", 5, "Stück", N(15.9, "de2"), N(79.5, "de2")],
        [20, "A-200", "Zucker Portionen", 2, "Karton", N(12.4, "de2"), N(24.8, "de2")],
        ["", "", "Zwischensumme", "", "", "", N(104.3, "de2")],
        ["", "", "MwSt. 19%", "", "", "", N(19.82, "de2")],
        ["", "", "Gesamtsumme", "", "", "", N(124.12, "de2")],
    ]}], [dict(po_number="4500012345", customer_number="10002", delivery_date="2024-12-09", lines=[
        L("A-100", 5, "PCE", "15.9", "Kaffeebohnen 1 kg", line=10),
        L("A-200", 2, "CT", "12.4", "Zucker Portionen", line=20)])],
        note="German positions 10/20 as line numbers, ME units, KW 50/2024, Zwischensumme and MwSt rows")

    # 6. English purchase order with subtotal, VAT and total.
    layout("06-en-purchase-order", "xlsx", [{"name": "PO", "rows": [
        ["PURCHASE ORDER"], [],
        ["PO Number", "PO-77810", "", "Order Date", D("2024-11-18", "slash")],
        ["Delivery Date", D("2024-11-29", "slash")], [],
        ["Line", "Item No", "Description", "Qty", "UOM", "Unit Price", "Amount"],
        [1, "SK-0000001", "Hex bolt M8", 100, "EA", N(0.12, "en2"), N(12, "en2")],
        [2, "SK-0000002", "Washer M8", 1500, "EA", N(0.03, "en2"), N(45, "en2")],
        ["", "", "", "", "", "Subtotal", N(57, "en2")],
        ["", "", "", "", "", "VAT", N(11.4, "en2")],
        ["", "", "", "", "", "Total", N(68.4, "en2")],
    ]}], [dict(po_number="PO-77810", order_date="2024-11-18", delivery_date="2024-11-29", lines=[
        L("SK-0000001", 100, "PCE", "0.12", "Hex bolt M8", line=1),
        L("SK-0000002", 1500, "PCE", "0.03", "Washer M8", line=2)])],
        note="English labels side by side, British dates, subtotal/VAT/total")

    # 7. Only EAN codes and quantities, the codes stored as numbers.
    layout("07-ean-antal", "xlsx", [{"name": "Blad1", "rows": [
        ["Order", "ORD-7"], [],
        ["EAN", "Antal"],
        [5400000000010, 12], [5400000000027, 3],
    ]}], [dict(po_number="ORD-7", lines=[L(qty=12, gtin="5400000000010"), L(qty=3, gtin="5400000000027")])],
        note="GTINs stored as numbers, no description")

    # 8. No header row at all: item, description, quantity, price.
    layout("08-headerless", "xlsx", [{"name": "Sheet1", "rows": [
        ["Order no", "HL-19"], [],
        ["KF-100", "Coffee filters", 20, 3.25],
        ["KF-200", "Stirrers wooden", 5, 7.5],
        ["KF-300", "Sugar sticks", 12, 4.1],
    ]}], [dict(po_number="HL-19", lines=[L("KF-100", 20, None, "3.25", "Coffee filters"),
                                        L("KF-200", 5, None, "7.5", "Stirrers wooden"),
                                        L("KF-300", 12, None, "4.1", "Sugar sticks")])],
        note="no header: columns recognised by their values")

    # 9. An order form: the whole assortment, quantities filled in for some.
    rows = [["Beställningsblankett"], ["Ordernummer", "BF-0042"], [], ["Artikelnummer", "Artikel", "Förp", "Beställt antal"]]
    items = [("1001", "Tomater", "kg"), ("1002", "Gurka", "st"), ("1003", "Sallad", "st"), ("1004", "Lök", "kg"), ("1005", "Morötter", "kg")]
    qty = {"1002": 15, "1005": 8}
    for code, name, unit in items:
        rows.append([T(code), name, unit, qty.get(code, "")])
    layout("09-sv-order-form", "xlsx", [{"name": "Blankett", "rows": rows}],
           [dict(po_number="BF-0042", lines=[L("1002", 15, "PCE", None, "Gurka"), L("1005", 8, "KGM", None, "Morötter")])],
           note="order form: rows without a quantity are not ordered")

    # 10. Two shops on two sheets, a hidden look-up sheet and an instructions sheet.
    layout("10-multi-sheet", "xlsx", [
        {"name": "Instruktioner", "rows": [["Fyll i antal per butik."], ["Skicka till order@grossist.se"]]},
        {"name": "Butik Norr", "rows": [["Ordernr", "MS-1"], [], ["Art.nr", "Antal"], ["SK-1", 4], ["SK-2", 6]]},
        {"name": "Butik Söder", "rows": [["Ordernr", "MS-2"], [], ["Art.nr", "Antal"], ["SK-1", 2]]},
        {"name": "Lookup", "hidden": True, "rows": [["Art.nr", "Antal"], ["SK-9", 99]]},
    ], [dict(sheet="Butik Norr", po_number="MS-1", lines=[L("SK-1", 4), L("SK-2", 6)]),
        dict(sheet="Butik Söder", po_number="MS-2", lines=[L("SK-1", 2)])],
        note="several orders on several sheets; a hidden sheet and a text sheet hold none")

    # 11. Item numbers stored as numbers with the format 00000.
    layout("11-number-format-zeros", "xlsx", [{"name": "Order", "rows": [
        ["PO", "Z-500"], [], ["Item no", "Qty"], [N(123, "00000"), 7], [N(4, "00000"), 1],
    ]}], [dict(po_number="Z-500", lines=[L("00123", 7), L("00004", 1)])],
        note="item numbers typed as numbers with the number format 00000 keep their zeros")

    # 12. The 1904 date system (a Mac workbook), delivery dates per line.
    layout("12-date1904", "xlsx", [{"name": "Order", "rows": [
        ["Order number", "M-1904"], ["Order date", D("2024-11-28", "iso")], [],
        ["Item", "Quantity", "Delivery date"],
        ["A1", 2, D("2024-12-02", "iso")], ["A2", 3, D("2024-12-16", "iso")],
    ]}], [dict(po_number="M-1904", order_date="2024-11-28", lines=[L("A1", 2, date="2024-12-02"), L("A2", 3, date="2024-12-16")])],
        null_date="1904-01-01", note="1904 date system; dates must not move by four years")

    # 13. Sections with headings and subtotals.
    layout("13-sections-subtotals", "xlsx", [{"name": "Order", "rows": [
        ["Ordernr", "SEC-3"], [],
        ["Art.nr", "Benämning", "Antal", "Pris"],
        ["", "FRUKT", "", ""],
        ["F1", "Äpplen", 10, 2.5], ["F2", "Päron", 5, 3],
        ["", "Delsumma frukt", "", 40],
        [],
        ["", "GRÖNT", "", ""],
        ["G1", "Broccoli", 4, 4.25],
        ["", "Delsumma grönt", "", 17],
        ["", "Totalt", "", 57],
    ]}], [dict(po_number="SEC-3", lines=[L("F1", 10, None, "2.5", "Äpplen"), L("F2", 5, None, "3", "Päron"),
                                        L("G1", 4, None, "4.25", "Broccoli")])],
        note="section headings and subtotals between lines")

    # 14. Quantities computed by formulas.
    layout("14-formulas", "xlsx", [{"name": "Order", "rows": [
        ["Order no.", "FX-14"], [],
        ["Item number", "Packs", "Per pack", "Quantity"],
        ["P-1", 3, 12, F("of:=[.B4]*[.C4]", 36)], ["P-2", 2, 6, F("of:=[.B5]*[.C5]", 12)],
    ]}], [dict(po_number="FX-14", lines=[L("P-1", 36), L("P-2", 12)])],
        note="the quantity is a formula's value")

    # 15. The order's values to the right of the table header.
    layout("15-values-beside-table", "xlsx", [{"name": "Order", "rows": [
        ["Art.nr", "Benämning", "Antal", "", "Ordernr", "SB-15"],
        ["X1", "Mjöl 2 kg", 6, "", "Leveransdatum", D("2024-12-05", "iso")],
        ["X2", "Socker 1 kg", 4],
    ]}], [dict(po_number="SB-15", delivery_date="2024-12-05", lines=[L("X1", 6, None, None, "Mjöl 2 kg"), L("X2", 4, None, None, "Socker 1 kg")])],
        note="order number and date beside the table")

    # 16. Quantities with their unit in the cell.
    layout("16-qty-with-unit", "xlsx", [{"name": "Order", "rows": [
        ["Bestillingsnr:", "QU-16"], [],
        ["Varenr", "Antall"], ["V1", "10 stk"], ["V2", "2 kart"], ["V3", "1,5 kg"],
    ]}], [dict(po_number="QU-16", lines=[L("V1", 10, "PCE"), L("V2", 2, "CT"), L("V3", "1.5", "KGM")])],
        note="the unit written in the quantity cell; a decimal comma")

    # 17. CSV from Swedish Excel: semicolons, Windows-1252, decimal comma, Swedish letters.
    layout("17-csv-semicolon-1252", "csv-semicolon-1252", [{"name": "Blad1", "rows": [
        ["Ordernr", "CSV-17"], [],
        ["Art.nr", "Benämning", "Antal", "À-pris"],
        [T("0042"), "Räksmörgås", 6, N(65.5, "sv2")],
        [T("0043"), "Ölkorv", 12, N(1250, "sv2")],
    ]}], [dict(po_number="CSV-17", lines=[L("0042", 6, None, "65.5", "Räksmörgås"), L("0043", 12, None, "1250", "Ölkorv")])],
        note="Windows-1252, semicolons, '1 250,00' with a grouping space")

    # 18. Unicode text from Excel: UTF-16 with BOM, tabs.
    layout("18-csv-tab-utf16", "csv-tab-utf16", [{"name": "Sheet1", "rows": [
        ["Tilausnumero", "U16-18"], [],
        ["Tuotenumero", "Kuvaus", "Määrä"], ["T-1", "Pähkinät", 3], ["T-2", "Mustikat", 7],
    ]}], [dict(po_number="U16-18", lines=[L("T-1", 3, None, None, "Pähkinät"), L("T-2", 7, None, None, "Mustikat")])],
        note="UTF-16 with a byte order mark, tab separated")

    # 19. English CSV with thousands commas in quoted fields.
    layout("19-csv-comma-thousands", "csv-comma-utf8", [{"name": "Sheet1", "rows": [
        ["PO Number", "C-19"], [],
        ["SKU", "Description", "Qty", "Unit Price"],
        ["SK-10", "Cable ties, black", N(1200, "int"), N(1250.5, "en2")],
        ["SK-11", "Tape 50mm", 24, N(3.99, "en2")],
    ]}], [dict(po_number="C-19", lines=[L("SK-10", 1200, None, "1250.5", "Cable ties, black"), L("SK-11", 24, None, "3.99", "Tape 50mm")])],
        note="UTF-8, commas, 1,200 and 1,250.50 decided by the column's other values")

    # 20. Pipe-separated export.
    layout("20-csv-pipe", "csv-pipe-utf8", [{"name": "Sheet1", "rows": [
        ["Bestellnummer", "P-20"], [],
        ["Artikelnummer", "Bezeichnung", "Anzahl", "Einheit"], ["ART-1", "Schrauben", 500, "Stück"], ["ART-2", "Dübel", 250, "Stück"],
    ]}], [dict(po_number="P-20", lines=[L("ART-1", 500, "PCE", None, "Schrauben"), L("ART-2", 250, "PCE", None, "Dübel")])],
        note="pipe separated, German")

    # 21. Numbers typed as text: "1 200" and "1.200,50".
    layout("21-numbers-as-text", "xlsx", [{"name": "Order", "rows": [
        ["Ordrenr", "NT-21"], [],
        ["Varenr", "Antal", "Pris"],
        ["N1", T("1 200"), T("1.200,50")], ["N2", T("5"), T("12,75")], ["N3", T("2.000"), T("0,5")],
    ]}], [dict(po_number="NT-21", lines=[L("N1", 1200, None, "1200.5"), L("N2", 5, None, "12.75"), L("N3", 2000, None, "0.5")])],
        note="numbers stored as text with grouping and decimal comma; 2.000 is two thousand because the sheet writes decimals with a comma")

    # 22. The customer's own and our item numbers side by side.
    layout("22-own-and-supplier-item", "xlsx", [{"name": "Order", "rows": [
        ["Inköpsorder", "IO-22"], [],
        ["Vårt art.nr", "Ert art.nr", "Benämning", "Antal", "Enhet"],
        ["K-1", "SK-0000001", "Skruv", 10, "fp"], ["K-2", "", "Plugg", 20, "st"],
    ]}], [dict(po_number="IO-22", lines=[L("K-1", 10, "PK", None, "Skruv", supplier="SK-0000001"), L("K-2", 20, "PCE", None, "Plugg")])],
        note="our item number (Ert art.nr) beside the customer's own")
