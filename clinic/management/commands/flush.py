"""``flush`` (TRUNCATE every table) as the owner: the app's role may not TRUNCATE (clinic/owner.py). The
test suite empties the database this way after each transactional test."""

from django.core.management.commands.flush import Command as DjangoFlush

from clinic.owner import as_owner


class Command(DjangoFlush):
    def handle(self, **options):
        with as_owner(options["database"]):
            super().handle(**options)
