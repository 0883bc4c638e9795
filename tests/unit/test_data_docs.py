"""GX Data Docs made to load nothing from outside: every address GX's pages load is replaced
by the site's own file or dropped, and one this project does not know fails loudly."""

import pytest

from incubation.checks.data_docs import OFFLINE, OnlineAsset, make_offline, offline_page

PAGE = """<html><head>
<link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css"/>
<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>
<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>
<link rel="shortcut icon" href="../../../static/images/favicon.ico">
<style>.x { background: url('https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/full_logo_dark.png') }</style>
</head><body><img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png?d=1">
<a href="https://greatexpectations.io">GX</a></body></html>"""


def test_every_outside_load_becomes_the_sites_own_file():
    page = offline_page(PAGE, depth=4)
    up = "../../../../"
    assert f'href="{up}{OFFLINE}/bootstrap.min.css"' in page
    assert f'<script src="{up}{OFFLINE}/jquery.min.js"></script>' in page
    assert "vega" not in page
    assert f'href="{up}static/images/favicon.ico"' in page  # GX's is a folder short
    assert page.count(f"{up}static/images/logo-long.png") == 2
    assert '<a href="https://greatexpectations.io">' in page  # a link is not a load


def test_an_address_not_known_fails_loudly():
    with pytest.raises(OnlineAsset, match=r"unpkg\.com/new-library"):
        offline_page('<script src="https://unpkg.com/new-library.js"></script>', depth=0)


def test_a_site_gets_its_libraries_and_a_page_is_rewritten_once(tmp_path):
    (tmp_path / "index.html").write_text(PAGE, "utf-8")
    assert make_offline(tmp_path) == 1
    for name in ("jquery.min.js", "bootstrap.min.css", "bootstrap.bundle.min.js", "tables.js"):
        assert (tmp_path / OFFLINE / name).stat().st_size > 0
    assert (tmp_path / OFFLINE / "font-awesome" / "webfonts").is_dir()
    assert make_offline(tmp_path) == 0
