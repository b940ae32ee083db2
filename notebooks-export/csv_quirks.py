"""Random CSV texts and how Python's csv module reads them: the oracle for ChexDataTests' CSV reader.

Writes Tests/ChexDataTests/Fixtures/csv-quirks.json. Each case holds the file text (sometimes
with a UTF-8 BOM, CRLF, LF or CR line ends, blank lines, no final line end) and the header,
rows and 1-based starting line of each row as csv.reader sees them (blank lines skipped).
Run: python3 notebooks-export/csv_quirks.py
"""
import csv
import io
import json
import platform
import random
import sys

rng = random.Random(20240611)
ALPHABET = ["a", "b", "Z", "0", "1", ".", "-", " ", ",", '"', "\n", "\r\n", "é", "漢", "/", "x y"]


def random_field():
    n = rng.choice([0, 1, 2, 3, 5, 8])
    return "".join(rng.choice(ALPHABET) for _ in range(n))


def make_case(index):
    columns = rng.randint(1, 6)
    nrows = rng.randint(0, 8)
    header = [f"col{i}" if rng.random() < 0.7 else random_field() or "h" for i in range(columns)]
    rows = [[random_field() for _ in range(columns)] for _ in range(nrows)]
    terminator = rng.choice(["\n", "\r\n", "\r"])
    quoting = rng.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=terminator, quoting=quoting)
    # csv.writer only quotes line breaks that occur in its own line terminator, so rows holding
    # a line break go through a writer that quotes every field.
    quote_all = csv.writer(out, lineterminator=terminator, quoting=csv.QUOTE_ALL)
    for number, row in enumerate([header] + rows):
        if number > 0 and rng.random() < 0.15:
            out.write(terminator)  # a blank line, skipped by both readers
        has_break = any("\r" in field or "\n" in field for field in row)
        (quote_all if has_break else writer).writerow(row)
    text = out.getvalue()
    if rng.random() < 0.4 and text.endswith(terminator):
        text = text[: -len(terminator)]
    bom = rng.random() < 0.3
    # The oracle: csv.reader over the text without BOM; line_num counts physical lines.
    reader = csv.reader(io.StringIO(text, newline=""))
    records, lines = [], []
    previous = 0
    for record in reader:
        if record:
            records.append(record)
            lines.append(previous + 1)
        previous = reader.line_num
    assert all(len(r) == columns for r in records), records
    assert len(records) == nrows + 1
    return {
        "name": f"random-{index}",
        "text": ("\ufeff" if bom else "") + text,
        "header": records[0],
        "rows": records[1:],
        "lines": lines[1:],
    }


cases = [make_case(i) for i in range(300)]
provenance = (
    f"notebooks-export/csv_quirks.py; Python {platform.python_version()} csv module "
    f"(seed 20240611)"
)
json.dump({"_provenance": provenance, "cases": cases},
          open("Tests/ChexDataTests/Fixtures/csv-quirks.json", "w"), ensure_ascii=False, indent=0)
print(len(cases), "cases", file=sys.stderr)
