"""Walk the access log's hash chain and name the first broken link (README, Security)."""

from django.core.management.base import BaseCommand, CommandError

from clinic.audit.chain import CHAIN_FIELDS, chain_verify
from clinic.audit.models import AccessEvent


class Command(BaseCommand):
    help = "Check that no access event was changed, removed or reordered since it was written."

    def handle(self, *args, **options):
        events = AccessEvent.objects.order_by("chain_seq").values(*CHAIN_FIELDS).iterator(chunk_size=2000)
        checked, broken = chain_verify(events)
        if broken is not None:
            raise CommandError(f"The access log's chain is broken at event number {broken.chain_seq} "
                               f"(row id {broken.event_id}): {broken.reason}. {checked} events before it are intact.")
        self.stdout.write(f"The access log's chain is intact: {checked} events.")
