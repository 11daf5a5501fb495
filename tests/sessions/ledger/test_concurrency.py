"""Two nurses draw the last 50 mg of a lot at the same moment: one gets it, the other a clear message
(DESIGN.md §4.7, §8). Each thread has its own connection and transaction; PostgreSQL decides."""

from decimal import Decimal

import pytest

from sessions.models import LedgerEntry
from sessions.services.ledger import LedgerRefused, stock_withdraw
from tests.concurrency import race
from tests.factories import UserFactory
from tests.sessions.helpers import make_nurse

from .conftest import make_appointment, receive


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("nurses", [2, 6])
def test_nurses_drawing_the_last_50_mg_at_once_one_wins_the_others_are_told(location, nurses):
    manager = UserFactory(email="race.manager@clinic.test", role="manager")
    lot = receive(location=location, by=manager, quantity_mg=Decimal("50"))
    people = [make_nurse(email=f"racer{i}@clinic.test") for i in range(nurses)]
    sessions = [make_appointment(location=location, nurse=n, status="in_session") for n in people]
    jobs = [lambda n=n, s=s: stock_withdraw(lot=lot, appointment=s, quantity_mg=Decimal("50"), actor=n)
            for n, s in zip(people, sessions, strict=True)]

    results = race(jobs)

    winners = [r for r in results if isinstance(r, LedgerEntry)]
    refused = [r for r in results if isinstance(r, LedgerRefused)]
    assert len(winners) == 1, results
    assert len(refused) == nurses - 1, results
    assert all("holds only 0.00 mg" in r.message for r in refused)
    assert list(LedgerEntry.objects.filter(lot=lot).order_by("seq").values_list("seq", "balance_after_mg")) == [
        (1, Decimal("50.00")), (2, Decimal("0.00"))]


@pytest.mark.django_db(transaction=True)
def test_concurrent_draws_that_fit_all_succeed_and_the_balance_adds_up(location):
    manager = UserFactory(email="race.manager2@clinic.test", role="manager")
    lot = receive(location=location, by=manager, quantity_mg=Decimal("100"))
    people = [make_nurse(email=f"fit{i}@clinic.test") for i in range(5)]
    sessions = [make_appointment(location=location, nurse=n, status="in_session") for n in people]
    jobs = [lambda n=n, s=s: stock_withdraw(lot=lot, appointment=s, quantity_mg=Decimal("20"), actor=n)
            for n, s in zip(people, sessions, strict=True)]

    results = race(jobs)

    assert all(isinstance(r, LedgerEntry) for r in results), results
    balances = list(LedgerEntry.objects.filter(lot=lot).order_by("seq").values_list("balance_after_mg", flat=True))
    assert balances == [Decimal(b) for b in ("100", "80", "60", "40", "20", "0")]
