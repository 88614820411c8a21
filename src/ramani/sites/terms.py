"""Keep the Term table in step with the vocabularies declared in code."""

from __future__ import annotations

from ramani.sites.vocabularies import VOCABULARIES


def sync() -> int:
    """Add missing declared terms and refresh their labels; returns how many were added."""
    from ramani.sites.models import Term

    existing = {(t.vocabulary, t.value): t for t in Term.objects.all()}
    added = 0
    for vocabulary, entries in VOCABULARIES.items():
        for value, fr, en, sw in entries:
            term = existing.get((vocabulary, value))
            if term is None:
                Term.objects.create(vocabulary=vocabulary, value=value, label_fr=fr, label_en=en, label_sw=sw)
                added += 1
            elif not term.reviewed:
                term.label_fr, term.label_en, term.label_sw, term.reviewed = fr, en, sw, True
                term.save()
    return added


def sync_after_migrate(sender, **kwargs) -> None:
    sync()


def known() -> set[tuple[str, str]]:
    from ramani.sites.models import Term

    return set(Term.objects.values_list("vocabulary", "value"))


def add_unreviewed(pairs: set[tuple[str, str]], change_reason: str | None = None) -> None:
    """Add values first met in an import, unreviewed, with their history rows (`change_reason`: the import)."""
    from simple_history.utils import bulk_create_with_history

    from ramani.sites.models import Term

    bulk_create_with_history(
        [Term(vocabulary=v, value=value[:255], label_fr=value[:255], reviewed=False) for v, value in sorted(pairs)],
        Term,
        ignore_conflicts=True,
        default_change_reason=change_reason,
    )
