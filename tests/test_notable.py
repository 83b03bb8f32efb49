"""detect.notable: which rows of each inventory table the bounded (Markdown) view keeps."""

from __future__ import annotations

from archaudit.detect.notable import with_notable
from archaudit.model import Section, Table


def _chosen(table: Table) -> Table:
    return with_notable(Section("s", "S", tables=(table,))).tables[0]


def test_models_far_above_the_median_are_the_outliers() -> None:
    rows = (*({"model": f"M{i}", "fields": 6} for i in range(30)), {"model": "Huge", "fields": 45},
            {"model": "Unknown", "fields": "-"})
    t = _chosen(Table("models", "ORM models", ("model", "fields"), rows))
    assert [t.rows[i]["model"] for i in t.notable] == ["Huge"]
    assert "20" in t.notable_why


def test_open_ports_and_root_images_stand_out_loopback_ones_do_not() -> None:
    compose = _chosen(Table("compose_services", "Compose services", ("service", "ports"), (
        {"service": "db", "ports": "127.0.0.1:5432:5432"}, {"service": "web", "ports": "80:80"},
        {"service": "worker", "ports": "-"})))
    assert [compose.rows[i]["service"] for i in compose.notable] == ["web"]
    docker = _chosen(Table("dockerfiles", "Dockerfiles", ("user",), (
        {"user": "app"}, {"user": "(root: no USER)"}, {"user": "root"})))
    assert docker.notable == (1, 2)


def test_python_versions_are_notable_only_when_they_disagree() -> None:
    same = _chosen(Table("python_versions", "Python versions", ("major.minor",),
                         ({"major.minor": "3.12"}, {"major.minor": "3.12"})))
    assert same.notable == () and same.notable_why == ""
    split = _chosen(Table("python_versions", "Python versions", ("major.minor",),
                          ({"major.minor": "3.12"}, {"major.minor": "3.13"})))
    assert split.notable == (0, 1)


def test_a_choice_made_by_the_detector_is_kept_and_unknown_tables_are_counts() -> None:
    mine = Table("endpoints", "Endpoints", ("auth",), ({"auth": "no"}, {"auth": "yes"}), notable=(1,),
                 notable_why="chosen by the detector")
    assert _chosen(mine) == mine
    other = _chosen(Table("factories", "Factories", ("factory",), ({"factory": "A"},)))
    assert other.notable == ()
