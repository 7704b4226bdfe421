"""HTML bodies: tables stay tables, mailto links keep their text, quotes are marked."""

from bot.reading import Table
from bot.reading.html import html_to_lines


def test_tables_links_and_quotes():
    html = (
        "<html><body><p>Dear colleagues,<br>Please find below:</p><table border=1>"
        "<tr><th>First name</th><th>Family name</th><th>E-mail</th></tr>"
        "<tr><td>Jane</td><td>MWANGI</td><td><a href='mailto:jane@x.org'>jane@x.org</a></td>"
        "</tr></table><p>Also <a href='mailto:bob@y.org'>Bob Smith</a>.</p>"
        "<div class=gmail_quote>On Mon wrote:<blockquote>old <b>text</b></blockquote></div>"
        "<script>alert(1)</script></body></html>"
    )
    result = html_to_lines(html)
    assert result.has_data_table and result.has_named_mailto
    tables = [line for line in result.lines if isinstance(line, Table)]
    assert tables == [
        Table([["First name", "Family name", "E-mail"], ["Jane", "MWANGI", "jane@x.org"]])
    ]
    text = [line for line in result.lines if isinstance(line, str)]
    assert "Also Bob Smith <bob@y.org>." in text
    assert "> old text" in text
    assert not any("alert" in line for line in text)


def test_layout_tables_are_read_through():
    html = "<table><tr><td><table><tr><td>Name: Jane</td></tr></table></td></tr></table>"
    result = html_to_lines(html)
    assert not result.has_data_table
    assert result.lines == ["Name: Jane"]


def test_broken_html_never_raises():
    assert html_to_lines("<<<>>><p>unclosed <b>bold").lines
    assert html_to_lines("").lines == []


def test_merged_cells_are_read_in_every_row_and_column_they_cover():
    """Outlook tables merge the institution of two people into one cell (rowspan) and a
    two-part heading across its columns (colspan)."""
    html = (
        "<table border=1><tr><th colspan=2>Identité</th><th rowspan=2>Institution</th>"
        "<th rowspan=2>Courriel</th></tr><tr><th>Nom</th><th>Prénom</th></tr>"
        "<tr><td>KOUASSI</td><td>Aya</td><td rowspan=2>CNRA</td><td>aya@cnra.ci</td></tr>"
        "<tr><td>DIABATÉ</td><td>Souleymane</td><td>s.diabate@cnra.ci</td></tr>"
        "<tr><td rowspan=99999>X</td><td>Y</td><td>Z</td><td>z@cnra.ci</td></tr></table>"
    )
    [table] = [line for line in html_to_lines(html).lines if isinstance(line, Table)]
    assert table.rows[:4] == [
        ["Identité", "", "Institution", "Courriel"],
        ["Nom", "Prénom", "Institution", "Courriel"],
        ["KOUASSI", "Aya", "CNRA", "aya@cnra.ci"],
        ["DIABATÉ", "Souleymane", "CNRA", "s.diabate@cnra.ci"],
    ]
    assert len(table.rows) == 5  # a huge rowspan adds no rows
