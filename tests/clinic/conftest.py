import pytest


@pytest.fixture
def reversals(monkeypatch):
    """Each route ``clinic.links.reversed_once`` reverses, in order, with its kept URLs emptied first."""
    from clinic import links

    monkeypatch.setattr(links, "_REVERSED", {})
    asked, real = [], links.reverse
    monkeypatch.setattr(links, "reverse", lambda route, **kwargs: asked.append(route) or real(route, **kwargs))
    return asked
