"""The regulator app's CSV export (real format) and selfcare's JSON Lines are read exactly."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from selfcare.domain.speedcheck.models import BERLIN, Connection
from selfcare.errors import InvalidInput
from selfcare.speedcheck.adapters.importers import (
    load_measurements,
    parse_jsonl,
    regulator_file_name,
    to_jsonl,
)

HEADER = (
    '"Messzeitpunkt";"Download (Mbit/s)";"Upload (Mbit/s)";"Laufzeit (ms)";"Test-ID";'
    '"Version";"Betriebssystem";"Internet-Browser";"Uhrzeit"'
)
ROW = '"13.05.2025";"94,73";"90,59";"8";"a1b2";"4.49";"Linux";"Chrome";"01:00:46"'
EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "speedcheck"


def write(folder: Path, name: str, text: str, *, bom: bool = True) -> Path:
    path = folder / name
    path.write_bytes((("\ufeff" if bom else "") + text).encode("utf-8"))
    return path


def test_one_exported_file_with_bom_gives_one_exact_measurement(tmp_path: Path) -> None:
    path = write(tmp_path, "Breitbandmessung_13_05_2025_01_00_46.csv", f"{HEADER}\r\n{ROW}\r\n")
    [item] = load_measurements(path)
    # 01:00:46 German summer time is 23:00:46 UTC the day before.
    assert item.measured_at == datetime(2025, 5, 12, 23, 0, 46, tzinfo=UTC)
    assert (item.download_kbps, item.upload_kbps, item.ping_ms) == (94_730, 90_590, 8)
    assert item.test_id == "a1b2"
    assert item.connection is Connection.UNKNOWN
    assert item.source.endswith("Breitbandmessung_13_05_2025_01_00_46.csv:2")


def test_a_file_without_bom_reads_the_same(tmp_path: Path) -> None:
    with_bom = load_measurements(write(tmp_path, "a.csv", f"{HEADER}\n{ROW}\n"))
    without = load_measurements(write(tmp_path, "b.csv", f"{HEADER}\n{ROW}\n", bom=False))
    assert [m.measured_at for m in with_bom] == [m.measured_at for m in without]


def test_winter_times_get_the_winter_offset(tmp_path: Path) -> None:
    row = ROW.replace("13.05.2025", "13.01.2025")
    [item] = load_measurements(write(tmp_path, "w.csv", f"{HEADER}\n{row}\n"))
    assert item.measured_at == datetime(2025, 1, 13, 0, 0, 46, tzinfo=UTC)


def test_reordered_columns_are_found_by_name(tmp_path: Path) -> None:
    text = (
        '"Uhrzeit";"Upload (Mbit/s)";"Test-ID";"Download (Mbit/s)";"Messzeitpunkt"\n'
        '"18:30:00";"38,12";"x";"71,05";"15.05.2025"\n'
    )
    [item] = load_measurements(write(tmp_path, "r.csv", text))
    assert (item.download_kbps, item.upload_kbps, item.ping_ms) == (71_050, 38_120, None)
    assert item.measured_at == datetime(2025, 5, 15, 16, 30, tzinfo=UTC)


def test_extra_columns_are_ignored(tmp_path: Path) -> None:
    text = f'"Anbieter";{HEADER};"Tarif"\n"Telekom";{ROW};"MagentaZuhause L"\n'
    [item] = load_measurements(write(tmp_path, "e.csv", text))
    assert item.download_kbps == 94_730


def test_rows_concatenated_under_one_header_are_all_read(tmp_path: Path) -> None:
    rows = [
        ROW,
        ROW.replace("01:00:46", "01:10:00"),
        ROW.replace("01:00:46", "02:00:00").replace("94,73", "1.000,5"),
    ]
    items = load_measurements(write(tmp_path, "all.csv", HEADER + "\n" + "\n".join(rows) + "\n"))
    assert [m.download_kbps for m in items] == [94_730, 94_730, 1_000_500]
    assert [m.source.rsplit(":", 1)[1] for m in items] == ["2", "3", "4"]


def test_files_joined_with_cat_repeat_header_and_bom_and_still_read(tmp_path: Path) -> None:
    one = f"\ufeff{HEADER}\r\n{ROW}\r\n"
    two = f"\ufeff{HEADER}\r\n{ROW.replace('01:00:46', '07:00:00')}\r\n"
    items = load_measurements(write(tmp_path, "cat.csv", one + two, bom=False))
    assert [m.measured_at.hour for m in items] == [23, 5]


def test_a_folder_of_exported_files_is_read_in_time_order(tmp_path: Path) -> None:
    write(
        tmp_path,
        "Breitbandmessung_13_05_2025_07_00_00.csv",
        f"{HEADER}\n{ROW.replace('01:00:46', '07:00:00')}\n",
    )
    write(tmp_path, "Breitbandmessung_13_05_2025_01_00_46.csv", f"{HEADER}\n{ROW}\n")
    write(tmp_path, "desktop.ini", "[.ShellClassInfo]\n")
    items = load_measurements(tmp_path)
    assert [m.measured_at.hour for m in items] == [23, 5]


def test_the_example_folder_holds_thirty_measurements_like_the_concatenated_file() -> None:
    folder = load_measurements(EXAMPLES / "series")
    joined = load_measurements(EXAMPLES / "concatenated.csv")
    assert len(folder) == 30
    assert [(m.measured_at, m.download_kbps) for m in folder] == [
        (m.measured_at, m.download_kbps) for m in joined
    ]


def test_the_app_file_name_follows_the_local_time() -> None:
    moment = datetime(2025, 5, 12, 23, 0, 46, tzinfo=UTC)
    assert regulator_file_name(moment) == "Breitbandmessung_13_05_2025_01_00_46.csv"


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no measurement files"):
        load_measurements(tmp_path)


def test_a_missing_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file or folder"):
        load_measurements(tmp_path / "nope.csv")


def test_a_picture_is_refused_as_not_text(tmp_path: Path) -> None:
    path = tmp_path / "screenshot.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InvalidInput, match=r"screenshot\.csv: not a text file"):
        load_measurements(path)


def test_a_comma_separated_file_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "english.csv", "date,download,upload\n2025-05-13,94.7,90.5\n")
    with pytest.raises(InvalidInput, match=r"english\.csv:1: not a Breitbandmessung CSV export"):
        load_measurements(path)


def test_a_bad_speed_is_refused_naming_file_line_and_column(tmp_path: Path) -> None:
    bad = ROW.replace("90,59", "9x,1")
    path = write(tmp_path, "bad.csv", f"{HEADER}\n{ROW}\n{bad}\n")
    with pytest.raises(InvalidInput, match=r"bad\.csv:3: Upload \(Mbit/s\): '9x,1' is not a speed"):
        load_measurements(path)


def test_a_bad_date_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "iso.csv", f"{HEADER}\n{ROW.replace('13.05.2025', '2025-05-13')}\n")
    with pytest.raises(
        InvalidInput, match=r"iso\.csv:2: date '2025-05-13' is not like 13\.05\.2025"
    ):
        load_measurements(path)


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="empty file"):
        load_measurements(write(tmp_path, "empty.csv", "\n\n"))


def test_the_connection_option_tags_only_untagged_measurements(tmp_path: Path) -> None:
    lines = (
        '{"measured_at": "2025-05-13T10:00:00+02:00", "download_kbps": 1, "upload_kbps": 1, '
        '"connection": "wlan"}\n'
        '{"measured_at": "2025-05-13T10:10:00+02:00", "download_kbps": 2, "upload_kbps": 2}\n'
    )
    path = write(tmp_path, "m.jsonl", lines, bom=False)
    items = load_measurements(path, connection=Connection.LAN)
    assert [m.connection for m in items] == [Connection.WLAN, Connection.LAN]


def test_selfcare_json_lines_round_trip() -> None:
    text = (
        '{"measured_at": "2025-05-13T10:00:00+02:00", "download_kbps": 94730, '
        '"upload_kbps": 38120, "ping_ms": 9, "connection": "lan", "test_id": "t1"}\n\n'
        '{"measured_at": "2025-05-13T08:10:00Z", "download_kbps": 5000, "upload_kbps": 1000, '
        '"connection": "wlan"}\n'
    )
    items = list(parse_jsonl(text, "m.jsonl"))
    assert [m.source for m in items] == ["m.jsonl:1", "m.jsonl:3"]
    again = list(parse_jsonl(to_jsonl(items)))
    assert [(m.measured_at, m.download_kbps, m.connection, m.test_id) for m in again] == [
        (datetime(2025, 5, 13, 8, 0, tzinfo=UTC), 94_730, Connection.LAN, "t1"),
        (datetime(2025, 5, 13, 8, 10, tzinfo=UTC), 5000, Connection.WLAN, None),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            '{"measured_at": "2025-05-13T10:00:00", "download_kbps": 1, "upload_kbps": 1}',
            "time zone",
        ),
        (
            '{"measured_at": "2025-05-13T10:00:00Z", "download_kbps": 1, "upload_kbps": 1, '
            '"speed": 3}',
            "speed",
        ),
        (
            '{"measured_at": "2025-05-13T10:00:00Z", "download_kbps": 1, "upload_kbps": 1, '
            '"connection": "5g"}',
            "connection",
        ),
        (
            '{"measured_at": "2025-05-13T10:00:00Z", "download_kbps": -1, "upload_kbps": 1}',
            "download_kbps",
        ),
        ("not json", "not JSON"),
    ],
)
def test_bad_json_lines_are_refused_naming_the_line(line: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=rf"m\.jsonl:2: .*{message}"):
        list(
            parse_jsonl(
                '{"measured_at": "2025-05-13T10:00:00Z", "download_kbps": 1, "upload_kbps": 1}\n'
                + line,
                "m.jsonl",
            )
        )


def test_rows_glued_by_files_without_a_final_newline_are_all_read(tmp_path: Path) -> None:
    """`"07:41:12""13.05.2025"`: a merge script joined files that lacked a final newline."""
    second = ROW.replace("01:00:46", "07:41:12")
    third = ROW.replace("01:00:46", "09:00:00").replace('"Chrome"', '"Firefox"')
    glued = HEADER + "\n" + ROW + second + "\n" + third
    items = load_measurements(write(tmp_path, "merged.csv", glued))
    assert [m.measured_at.astimezone(BERLIN).strftime("%H:%M:%S") for m in items] == [
        "01:00:46",
        "07:41:12",
        "09:00:00",
    ]


def test_whole_files_glued_with_their_headers_and_boms_are_read(tmp_path: Path) -> None:
    one = f"\ufeff{HEADER}\n{ROW}"
    two = f"\ufeff{HEADER}\n{ROW.replace('01:00:46', '07:41:12')}"
    items = load_measurements(write(tmp_path, "cat.csv", one + two, bom=False))
    assert len(items) == 2


def test_a_row_with_unquoted_router_columns_glued_to_the_next_is_read(tmp_path: Path) -> None:
    header = HEADER + ";FB_sync_down"
    rows = [ROW + ";99190", ROW.replace("01:00:46", "02:00:00") + ";99190"]
    items = load_measurements(write(tmp_path, "fb.csv", header + "\n" + "".join(rows)))
    assert len(items) == 2


def test_a_header_without_the_speeds_names_the_columns_as_the_export_spells_them(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "half.csv", '"Messzeitpunkt";"Uhrzeit"\n"13.05.2025";"01:00:46"\n')
    with pytest.raises(InvalidInput) as caught:
        load_measurements(path)
    assert 'the header lacks "Download (Mbit/s)", "Upload (Mbit/s)"' in str(caught.value)
    assert "Mbit/S" not in str(caught.value)
