//! Reading a payroll or timesheet file into rows of cells, whatever its format: CSV separated by
//! semicolons, commas or tabs (detected from the header line), in UTF-8 with or without a
//! byte-order mark or in Windows-1252 (what Danish Excel's "CSV (semikolonsepareret)" writes), or
//! an XLSX workbook's first sheet. Everything here is bounded: the file's size, its rows and
//! columns, each cell's length, and an XLSX file's unpacked size (a small zip can unpack to
//! gigabytes).

use std::io::Cursor;

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// The largest file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 2 << 20;
/// The most data rows a file may have (a year of monthly lines for a large contractor).
pub const MAX_ROWS: usize = 10_000;
/// The most columns read; payroll exports carry extra columns, which are ignored.
pub const MAX_COLUMNS: usize = 50;
/// The longest cell, in characters.
pub const MAX_CELL_CHARS: usize = 200;
/// The most an XLSX file may unpack to.
const MAX_UNPACKED_BYTES: u64 = 64 << 20;

/// One cell as the file gave it.
#[derive(Clone, Debug, PartialEq)]
pub enum Raw {
    Empty,
    Text(String),
    /// A number cell of a workbook, as the exact decimal it displays.
    Number(Decimal),
    /// A date cell of a workbook.
    Date(NaiveDate),
}

impl Raw {
    pub fn is_empty(&self) -> bool {
        match self {
            Raw::Empty => true,
            Raw::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
}

/// The file's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn code(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

/// The rows of a file: the first is the header. Row numbers in problems are 1-based file lines
/// (the header is line 1), as a spreadsheet shows them.
#[derive(Debug)]
pub struct Sheet {
    pub format: Format,
    pub rows: Vec<Vec<Raw>>,
}

/// Why a file could not be read at all (a problem with no row).
#[derive(Debug, PartialEq)]
pub struct Unreadable {
    pub en: String,
    pub da: String,
}

fn unreadable(en: impl Into<String>, da: impl Into<String>) -> Unreadable {
    Unreadable {
        en: en.into(),
        da: da.into(),
    }
}

fn too_many_rows() -> Unreadable {
    unreadable(
        format!("the file has more than {MAX_ROWS} rows; split it into smaller files"),
        format!("filen har mere end {MAX_ROWS} rækker; del den op i mindre filer"),
    )
}

fn cell_too_long(line: usize) -> Unreadable {
    unreadable(
        format!("line {line} has a cell longer than {MAX_CELL_CHARS} characters"),
        format!("linje {line} har en celle på mere end {MAX_CELL_CHARS} tegn"),
    )
}

/// Reads `bytes` as XLSX when it is a zip archive, else as CSV text.
pub fn read(bytes: &[u8]) -> Result<Sheet, Unreadable> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(unreadable(
            format!("the file is larger than {} MiB", MAX_FILE_BYTES >> 20),
            format!("filen er større end {} MiB", MAX_FILE_BYTES >> 20),
        ));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)
    } else {
        read_csv(bytes)
    }
}

/// UTF-8 (a byte-order mark dropped), else Windows-1252, which is what Danish Excel saves CSV in.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// The separator the header line uses most, outside quotes: ';', ',' or a tab.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let mut quoted = false;
    let mut counts = [0usize; 3];
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => counts[0] += 1,
            ',' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b';', b',', b'\t'][best]
}

fn read_csv(bytes: &[u8]) -> Result<Sheet, Unreadable> {
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(&text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 1;
        let record = record.map_err(|e| {
            unreadable(
                format!("line {line} is not valid CSV: {e}"),
                format!("linje {line} er ikke gyldig CSV: {e}"),
            )
        })?;
        if rows.len() > MAX_ROWS {
            return Err(too_many_rows());
        }
        let mut row = Vec::with_capacity(record.len().min(MAX_COLUMNS));
        for field in record.iter().take(MAX_COLUMNS) {
            if field.chars().count() > MAX_CELL_CHARS {
                return Err(cell_too_long(line));
            }
            row.push(if field.trim().is_empty() {
                Raw::Empty
            } else {
                Raw::Text(field.trim().to_owned())
            });
        }
        rows.push(row);
    }
    Ok(Sheet {
        format: Format::Csv,
        rows,
    })
}

fn not_a_workbook(e: impl std::fmt::Display) -> Unreadable {
    unreadable(
        format!("the file is not a readable XLSX workbook ({e})"),
        format!("filen er ikke en læsbar XLSX-projektmappe ({e})"),
    )
}

/// The largest count a workbook part may declare (`uniqueCount`, `count`, `headerRowCount`, ...).
/// Parsers reserve room for what a part declares before they read it: calamine reserves
/// `uniqueCount` shared strings, so `uniqueCount="10000000000000"` in a 2 KB file asked the
/// allocator for 240 TB and aborted the process. A payroll sheet has at most
/// [`MAX_ROWS`] x [`MAX_COLUMNS`] cells we read; a million leaves room for what we ignore.
pub const MAX_DECLARED_COUNT: u64 = 1_000_000;

fn too_much_unpacked() -> Unreadable {
    unreadable(
        "the workbook unpacks to too much data; save only the sheet with the hours",
        "projektmappen fylder for meget udpakket; gem kun arket med timerne",
    )
}

/// Checks an archive before any workbook parser sees it:
/// - what its entries unpack to, as declared (before unpacking anything) and as actually read
///   (a lying header does not get further than [`MAX_UNPACKED_BYTES`]), and each entry's
///   checksum (the zip reader checks it at the end of each entry);
/// - every count any XML part declares, in any attribute whose name is `count` or ends in
///   `Count`: above [`MAX_DECLARED_COUNT`], or not a number a parser could size anything by,
///   and the file is refused. Every part is read, not only those calamine reads today, so a
///   parser that starts reading another part is covered too.
fn archive_ok(bytes: &[u8]) -> Result<(), Unreadable> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(not_a_workbook)?;
    let mut declared = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(not_a_workbook)?;
        declared = declared.saturating_add(entry.size());
    }
    if declared > MAX_UNPACKED_BYTES {
        return Err(too_much_unpacked());
    }
    let mut budget = MAX_UNPACKED_BYTES;
    let mut part = Vec::new();
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(not_a_workbook)?;
        let name = entry.name().map_err(not_a_workbook)?.to_ascii_lowercase();
        part.clear();
        entry
            .take(budget + 1)
            .read_to_end(&mut part)
            .map_err(not_a_workbook)?;
        if part.len() as u64 > budget {
            return Err(too_much_unpacked());
        }
        budget -= part.len() as u64;
        if name.ends_with(".xml") || name.ends_with(".rels") {
            declared_counts_ok(&part)?;
        }
    }
    Ok(())
}

/// The counts one XML part declares (see [`archive_ok`]). XML that does not parse is refused:
/// calamine reads leniently (it does not check end tags, for one), so a part that stopped this
/// scan early could still hand it a count further on.
fn declared_counts_ok(xml: &[u8]) -> Result<(), Unreadable> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let element = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => e,
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => continue,
            Err(e) => return Err(not_a_workbook(e)),
        };
        let raw = element.attributes_raw();
        for (key, value) in raw_pairs(raw) {
            let local = key.rsplit(':').next().unwrap_or(key);
            if !(local == "count" || local.ends_with("Count")) {
                continue;
            }
            let value = value.trim();
            let fits = match value.parse::<u64>() {
                Ok(n) => n <= MAX_DECLARED_COUNT,
                // Not a whole number: a parser cannot size anything by it, unless it is one with
                // a sign, leading zeros beyond u64 or the like, which are refused.
                Err(_) => !value.bytes().any(|b| b.is_ascii_digit()),
            };
            if !fits {
                return Err(unreadable(
                    format!(
                        "the workbook declares {local}=\"{value}\", more than the {MAX_DECLARED_COUNT} this import reads; save the sheet again from Excel or as CSV"
                    ),
                    format!(
                        "projektmappen angiver {local}=\"{value}\", mere end de {MAX_DECLARED_COUNT}, importen læser; gem arket igen fra Excel eller som CSV"
                    ),
                ));
            }
        }
    }
}

/// Every `key = "value"` (or `'value'`) in a start tag's raw attribute text, found at each `=`
/// whatever stands between them: a superset of what any attribute parser reads there, calamine's
/// own lenient one included (it takes a key as everything up to `=`), so no spelling of an
/// attribute slips past the check.
fn raw_pairs(raw: &str) -> Vec<(&str, &str)> {
    let mut pairs = Vec::new();
    for (at, _) in raw.match_indices('=') {
        let key = raw[..at]
            .trim_end()
            .rsplit(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .next()
            .unwrap_or_default();
        let rest = raw[at + 1..].trim_start();
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let value = &rest[1..];
        let value = value.split(quote).next().unwrap_or(value);
        pairs.push((key, value));
    }
    pairs
}

/// A workbook number as the decimal it shows: Excel stores 37.5 as a binary float, and its
/// shortest round-trip text is what was typed.
fn number(v: f64) -> Raw {
    match format!("{v}").parse::<Decimal>() {
        Ok(d) => Raw::Number(d),
        Err(_) => Raw::Text(format!("{v}")),
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<Sheet, Unreadable> {
    use calamine::{DataRef, Reader, Xlsx};
    archive_ok(bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(not_a_workbook)?;
    let Some(first) = book.sheet_names().into_iter().next() else {
        return Err(not_a_workbook("no sheet"));
    };
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(not_a_workbook)?;
    let mut rows: Vec<Vec<Raw>> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(not_a_workbook)? {
        let (r, c) = cell.get_position();
        let (r, c) = (r as usize, c as usize);
        if r > MAX_ROWS {
            return Err(too_many_rows());
        }
        if c >= MAX_COLUMNS {
            continue;
        }
        let value = match cell.get_value() {
            DataRef::Empty => Raw::Empty,
            DataRef::Int(i) => Raw::Number(Decimal::from(*i)),
            DataRef::Float(f) => number(*f),
            DataRef::Bool(b) => Raw::Text(b.to_string()),
            DataRef::String(s) => Raw::Text(s.trim().to_owned()),
            DataRef::SharedString(s) => Raw::Text(s.trim().to_owned()),
            DataRef::DateTime(d) => match d.as_datetime() {
                Some(t) if !d.is_duration() => Raw::Date(t.date()),
                _ => number(d.as_f64()),
            },
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Raw::Text(s.clone()),
            DataRef::Error(e) => Raw::Text(format!("#{e:?}")),
        };
        if let Raw::Text(t) = &value
            && t.chars().count() > MAX_CELL_CHARS
        {
            return Err(cell_too_long(r + 1));
        }
        if rows.len() <= r {
            rows.resize_with(r + 1, Vec::new);
        }
        let row = &mut rows[r];
        if row.len() <= c {
            row.resize(c + 1, Raw::Empty);
        }
        row[c] = value;
    }
    Ok(Sheet {
        format: Format::Xlsx,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn text(s: &str) -> Raw {
        Raw::Text(s.into())
    }

    #[test]
    fn semicolons_with_a_byte_order_mark() {
        let sheet = read("\u{feff}måned;timer i alt\n2026-09;1.234,5\n".as_bytes()).unwrap();
        assert_eq!(sheet.format, Format::Csv);
        assert_eq!(
            sheet.rows,
            vec![
                vec![text("måned"), text("timer i alt")],
                vec![text("2026-09"), text("1.234,5")]
            ]
        );
    }

    #[test]
    fn commas_and_quotes() {
        let sheet = read(b"month,total,note\r\n2026-09,\"1,234.5\",\"a; b\"\r\n").unwrap();
        assert_eq!(
            sheet.rows[1],
            vec![text("2026-09"), text("1,234.5"), text("a; b")]
        );
    }

    #[test]
    fn tabs_and_windows_1252() {
        // "Måned" in Windows-1252: 0xE5 is 'å'.
        let sheet = read(b"M\xe5ned\ttimer\n2026-09\t10\n").unwrap();
        assert_eq!(sheet.rows[0], vec![text("Måned"), text("timer")]);
    }

    #[test]
    fn bounds() {
        let big = vec![b'a'; MAX_FILE_BYTES + 1];
        assert!(read(&big).unwrap_err().en.contains("larger than 2 MiB"));
        let mut many = String::from("a\n");
        for _ in 0..=MAX_ROWS {
            many.push_str("1\n");
        }
        assert!(
            read(many.as_bytes())
                .unwrap_err()
                .en
                .contains("more than 10000 rows")
        );
        let long = format!("a\n{}\n", "x".repeat(MAX_CELL_CHARS + 1));
        assert!(read(long.as_bytes()).unwrap_err().da.contains("linje 2"));
        assert!(
            read(b"PK\x03\x04garbage")
                .unwrap_err()
                .en
                .contains("not a readable XLSX")
        );
    }

    #[test]
    fn workbook_cells_keep_their_types() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Måned").unwrap();
        sheet.write_string(0, 2, "Timer i alt").unwrap();
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 9, 1).unwrap();
        let format = rust_xlsxwriter::Format::new().set_num_format("mm-yyyy");
        sheet
            .write_datetime_with_format(1, 0, &date, &format)
            .unwrap();
        sheet.write_number(1, 2, 1234.7).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let read = read(&bytes).unwrap();
        assert_eq!(read.format, Format::Xlsx);
        assert_eq!(
            read.rows[0],
            vec![text("Måned"), Raw::Empty, text("Timer i alt")]
        );
        assert_eq!(
            read.rows[1],
            vec![
                Raw::Date(NaiveDate::from_ymd_opt(2026, 9, 1).unwrap()),
                Raw::Empty,
                Raw::Number(dec!(1234.7))
            ]
        );
    }

    /// A small workbook of the shape payroll files have, as rust_xlsxwriter saves it.
    fn workbook() -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Måned").unwrap();
        sheet.write_string(0, 1, "Timer i alt").unwrap();
        sheet.write_string(1, 0, "2026-09").unwrap();
        sheet.write_number(1, 1, 1234.5).unwrap();
        book.save_to_buffer().unwrap()
    }

    /// `bytes` with the part `name` replaced by what `edit` makes of it (added if absent).
    fn with_part(bytes: &[u8], name: &str, edit: impl Fn(&str) -> String) -> Vec<u8> {
        use std::io::{Read, Write};
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut seen = false;
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let entry_name = entry.name().unwrap().to_string();
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            if entry_name == name {
                text = edit(&text);
                seen = true;
            }
            out.start_file(entry_name, options).unwrap();
            out.write_all(text.as_bytes()).unwrap();
        }
        if !seen {
            out.start_file(name, options).unwrap();
            out.write_all(edit("").as_bytes()).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    /// The malformed-file corpus: a count from 10^6 to 10^19 (and past u64) declared in every
    /// XML part calamine reads, in the attributes it reads and in others. Up to
    /// [`MAX_DECLARED_COUNT`] the workbook reads as before; past it, it is refused with a
    /// message in both languages, before calamine reserves anything.
    #[test]
    fn declared_counts_beyond_the_bound_are_refused_in_every_part() {
        let good = workbook();
        assert_eq!(read(&good).unwrap().rows.len(), 2);
        let parts: [(&str, &str, &str); 6] = [
            ("xl/sharedStrings.xml", "<sst", "uniqueCount"),
            ("xl/sharedStrings.xml", "<sst", "count"),
            ("xl/styles.xml", "<cellXfs", "count"),
            ("xl/workbook.xml", "<sheets", "count"),
            ("xl/worksheets/sheet1.xml", "<sheetData", "rowCount"),
            ("_rels/.rels", "<Relationships", "count"),
        ];
        let mut counts: Vec<String> = (6..=19).map(|e| format!("1{}", "0".repeat(e))).collect();
        counts.push(u64::MAX.to_string());
        counts.push("99999999999999999999999".into());
        counts.push("-1".into());
        for (part, element, attr) in parts {
            for count in &counts {
                let bytes = with_part(&good, part, |xml| {
                    // Drop the attribute where the part already has it, then declare ours.
                    let xml = regex_free_remove(xml, attr);
                    xml.replacen(element, &format!("{element} {attr}=\"{count}\""), 1)
                });
                let n: Option<u64> = count.parse().ok();
                let result = read(&bytes);
                if n.is_some_and(|n| n <= MAX_DECLARED_COUNT) {
                    assert_eq!(result.unwrap().rows.len(), 2, "{part} {attr}={count}");
                } else {
                    let e = result.expect_err(&format!("{part} {attr}={count}"));
                    assert!(e.en.contains(&format!("{attr}=\"{count}\"")), "{e:?}");
                    assert!(e.da.contains("projektmappen angiver"), "{e:?}");
                }
            }
        }
    }

    /// Spellings on which attribute parsers disagree: each still declares its count to the check,
    /// and XML that stops parsing half-way is refused rather than scanned half-way.
    #[test]
    fn every_spelling_of_a_count_is_seen_and_broken_xml_is_refused() {
        for tag in [
            "<sst uniqueCount=\"10000000000000\">",
            "<sst uniqueCount = '10000000000000'>",
            "<sst x:uniqueCount=\"10000000000000\">",
            "<sst uniqueCount=\"1\" uniqueCount=\"10000000000000\">",
            "<sst a=b uniqueCount=\"10000000000000\">",
            "<sst foo\"bar=\"x\" uniqueCount=\"10000000000000\">",
            "<sst uniqueCount=\"&#49;0000000000000\">",
        ] {
            let xml = format!("<?xml version=\"1.0\"?>{tag}</sst>");
            assert!(declared_counts_ok(xml.as_bytes()).is_err(), "{tag}");
        }
        assert!(
            declared_counts_ok(b"<sst uniqueCount=\"12\" count=\"40\"><si><t>a</t></si></sst>")
                .is_ok()
        );
        // A mismatched end tag stopped the scan; calamine reads on past it.
        let broken = b"<root><x></y><sst uniqueCount=\"10000000000000\"/></root>";
        assert!(declared_counts_ok(broken).is_err());
    }

    /// `attr="..."` taken out of every start tag of `xml`.
    fn regex_free_remove(xml: &str, attr: &str) -> String {
        let mut out = xml.to_owned();
        let needle = format!(" {attr}=\"");
        while let Some(at) = out.find(&needle) {
            let rest = &out[at + needle.len()..];
            let end = rest.find('"').unwrap();
            out.replace_range(at..at + needle.len() + end + 1, "");
        }
        out
    }

    /// Truncated archives, an entry whose header lies about its size, and an archive inside
    /// the archive: each refused with a message or read within the bounds, never more.
    #[test]
    fn truncated_lying_and_nested_archives_are_refused() {
        let good = workbook();
        for cut in [30, good.len() / 3, good.len() / 2, good.len() - 10] {
            let e = read(&good[..cut]).unwrap_err();
            assert!(e.en.contains("not a readable XLSX"), "cut {cut}: {e:?}");
        }
        // The shared strings part unpacks to 70 MB of one repeated byte but declares its true
        // size; and the same part with the sizes in its headers rewritten to 100 bytes.
        let big = with_part(&good, "xl/sharedStrings.xml", |xml| {
            format!("{xml}{}", " ".repeat(70 << 20))
        });
        assert!(big.len() < MAX_FILE_BYTES, "{}", big.len());
        assert!(read(&big).unwrap_err().en.contains("unpacks to too much"));
        let lying = lie_about_sizes(&big, "xl/sharedStrings.xml", 100);
        let e = read(&lying).unwrap_err();
        assert!(
            e.en.contains("unpacks to too much") || e.en.contains("not a readable XLSX"),
            "{e:?}"
        );
        // A workbook inside the workbook is a part like any other: not unpacked further.
        let nested = with_part(&good, "xl/embeddings/inner.xlsx", |_| {
            String::from_utf8_lossy(&big).into_owned()
        });
        assert_eq!(read(&nested).unwrap().rows.len(), 2);
    }

    /// Rewrites the uncompressed size of `name` in both its local header and the central
    /// directory, as a hostile file would.
    fn lie_about_sizes(bytes: &[u8], name: &str, size: u32) -> Vec<u8> {
        let mut out = bytes.to_vec();
        let name = name.as_bytes();
        // Local file headers (PK\x03\x04): size at 22, name length at 26, name at 30.
        // Central directory headers (PK\x01\x02): size at 24, name length at 28, name at 46.
        for (sig, size_at, len_at, name_at) in
            [(b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)]
        {
            let mut i = 0;
            while i + name_at < out.len() {
                if &out[i..i + 4] == sig {
                    let len = u16::from_le_bytes([out[i + len_at], out[i + len_at + 1]]) as usize;
                    if out.get(i + name_at..i + name_at + len) == Some(name) {
                        out[i + size_at..i + size_at + 4].copy_from_slice(&size.to_le_bytes());
                    }
                }
                i += 1;
            }
        }
        out
    }
}
