"""``migrate`` as the owner of the tables, then the app's role granted what it needs (clinic/owner.py)."""

from django.core.management.commands.migrate import Command as DjangoMigrate

from clinic.owner import app_privileges_grant, as_owner


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        with as_owner(options["database"]) as app_role:
            super().handle(*args, **options)
            if app_role:
                app_privileges_grant(alias=options["database"], app_role=app_role)
